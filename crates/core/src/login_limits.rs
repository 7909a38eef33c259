//! A rate limiter for password logins, keyed both by user name and by client address, with the
//! time passed in.
//!
//! Each key has a bucket in the manner of GCRA (the "generic cell rate algorithm"): a [`Limit`]
//! of `attempts` per `window` allows a burst of `attempts`, then one more every
//! `window / attempts`. A bucket is one timestamp (when it will be empty again), so memory is
//! small, and a bucket that has emptied is forgotten.
//!
//! - The limiter knows nothing of which users exist, so its answer for an unknown user is the
//!   same as for a real one: the server must record a failure for both alike.
//! - Memory is bounded: at most `max_keys` user names and as many addresses. When a table is
//!   full, emptied buckets are dropped, else the eighth closest to empty: a name an attacker
//!   hammers is the last to go, while cycling fresh names only evicts other fresh names. User
//!   names are lowercased and cut to 256 bytes; IPv6 addresses count per /64 (one host often
//!   has a whole /64), IPv4-mapped ones as IPv4.
//! - A success clears the user's bucket but not the address's: otherwise an attacker with one
//!   valid account could reset the address between guesses at others. The address is only
//!   refunded the success's own charge, so logins that succeed never use up an address.
//! - [`LoginLimiter::check`] then [`LoginLimiter::record_failure`] lets a few concurrent
//!   attempts through together (each passes `check` before any failure is recorded);
//!   [`LoginLimiter::begin_attempt`] checks and charges at once and has no such gap; a success
//!   then gives back what it was charged ([`LoginLimiter::record_success`]).

use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Mutex, MutexGuard};

use jiff::{SignedDuration, Timestamp};

/// How many keys of each kind are tracked by default.
pub const DEFAULT_MAX_KEYS: usize = 10_000;
/// Longest user name kept as a key; longer names cannot be users anyway.
const MAX_USERNAME_KEY_BYTES: usize = 256;

/// `attempts` per `window`: a burst of `attempts`, then one every `window / attempts`.
/// No attempts or an empty window means no limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub attempts: u32,
    pub window: SignedDuration,
}

impl Limit {
    /// 10 failures per user name per 15 minutes: then one every 90 seconds.
    pub const DEFAULT_PER_USER: Limit = Limit {
        attempts: 10,
        window: SignedDuration::from_secs(15 * 60),
    };
    /// 50 failures per address per 15 minutes: generous for a shared NAT, slow for a scan.
    pub const DEFAULT_PER_ADDRESS: Limit = Limit {
        attempts: 50,
        window: SignedDuration::from_secs(15 * 60),
    };

    /// The time one attempt adds to a bucket; `None` when there is no limit.
    fn interval(&self) -> Option<SignedDuration> {
        if self.attempts == 0 || self.window <= SignedDuration::ZERO {
            return None;
        }
        let attempts = i32::try_from(self.attempts).unwrap_or(i32::MAX);
        self.window
            .checked_div(attempts)
            .filter(|d| *d > SignedDuration::ZERO)
            .or(Some(SignedDuration::from_nanos(1)))
    }
}

/// A refusal: try again after this long. The same for every user name, existing or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryAfter(pub SignedDuration);

impl RetryAfter {
    /// Whole seconds, rounded up and at least 1: the `Retry-After` header.
    pub fn seconds(&self) -> i64 {
        let d = self.0;
        let whole = d.as_secs();
        let rounded = if d.subsec_nanos() > 0 {
            whole + 1
        } else {
            whole
        };
        rounded.max(1)
    }
}

/// Rate limits for logins; share one per hub (`&self` everywhere, a mutex inside).
#[derive(Debug)]
pub struct LoginLimiter {
    per_user: Limit,
    per_address: Limit,
    max_keys: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    users: Buckets<String>,
    addresses: Buckets<IpAddr>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter::new(Limit::DEFAULT_PER_USER, Limit::DEFAULT_PER_ADDRESS)
    }
}

impl LoginLimiter {
    pub fn new(per_user: Limit, per_address: Limit) -> Self {
        LoginLimiter::with_max_keys(per_user, per_address, DEFAULT_MAX_KEYS)
    }

    /// At most `max_keys` (at least 1) user names and as many addresses are remembered.
    pub fn with_max_keys(per_user: Limit, per_address: Limit, max_keys: usize) -> Self {
        LoginLimiter {
            per_user,
            per_address,
            max_keys: max_keys.max(1),
            state: Mutex::new(State::default()),
        }
    }

    /// Whether a login of `username` from `address` may be tried at `now`.
    pub fn check(&self, username: &str, address: IpAddr, now: Timestamp) -> Result<(), RetryAfter> {
        let (user, address) = keys(username, address);
        let state = self.lock();
        refusal(
            state.users.wait(&user, self.per_user, now),
            state.addresses.wait(&address, self.per_address, now),
        )
    }

    /// A failed login (wrong password, unknown or disabled user alike).
    pub fn record_failure(&self, username: &str, address: IpAddr, now: Timestamp) {
        let (user, address) = keys(username, address);
        let mut state = self.lock();
        state.users.charge(user, self.per_user, now, self.max_keys);
        state
            .addresses
            .charge(address, self.per_address, now, self.max_keys);
    }

    /// A successful login begun with [`begin_attempt`](Self::begin_attempt): the user's
    /// failures are forgiven; the address gets back this attempt's charge but keeps its
    /// failures (see the module docs).
    pub fn record_success(&self, username: &str, address: IpAddr, now: Timestamp) {
        let (user, address) = keys(username, address);
        let mut state = self.lock();
        state.users.tat.remove(&user);
        state.addresses.refund(&address, self.per_address, now);
    }

    /// [`check`](Self::check) and, when allowed, count the attempt as a failure in the same
    /// critical section; call [`record_success`](Self::record_success) if it succeeds.
    pub fn begin_attempt(
        &self,
        username: &str,
        address: IpAddr,
        now: Timestamp,
    ) -> Result<(), RetryAfter> {
        let (user, address) = keys(username, address);
        let mut state = self.lock();
        refusal(
            state.users.wait(&user, self.per_user, now),
            state.addresses.wait(&address, self.per_address, now),
        )?;
        state.users.charge(user, self.per_user, now, self.max_keys);
        state
            .addresses
            .charge(address, self.per_address, now, self.max_keys);
        Ok(())
    }

    /// How many user names and addresses are remembered.
    pub fn tracked_keys(&self) -> (usize, usize) {
        let state = self.lock();
        (state.users.tat.len(), state.addresses.tat.len())
    }

    /// Forgets every bucket that has emptied by `now` (also done whenever a table is full).
    pub fn purge(&self, now: Timestamp) {
        let mut state = self.lock();
        state.users.purge(now);
        state.addresses.purge(now);
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves consistent data: keep going.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn refusal(
    user: Option<SignedDuration>,
    address: Option<SignedDuration>,
) -> Result<(), RetryAfter> {
    match user.max(address) {
        None => Ok(()),
        Some(wait) => Err(RetryAfter(wait)),
    }
}

fn keys(username: &str, address: IpAddr) -> (String, IpAddr) {
    (user_key(username), address_key(address))
}

/// Lowercased and cut to [`MAX_USERNAME_KEY_BYTES`] at a character boundary.
fn user_key(username: &str) -> String {
    let mut end = username.len().min(MAX_USERNAME_KEY_BYTES);
    while !username.is_char_boundary(end) {
        end -= 1;
    }
    username.get(..end).unwrap_or_default().to_lowercase()
}

/// IPv4 as is; IPv4-mapped IPv6 as IPv4; other IPv6 by its /64.
fn address_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !u128::from(u64::MAX))),
        },
    }
}

/// For each key, when its bucket is empty again ("theoretical arrival time").
#[derive(Debug)]
struct Buckets<K> {
    tat: HashMap<K, Timestamp>,
}

impl<K> Default for Buckets<K> {
    fn default() -> Self {
        Buckets {
            tat: HashMap::new(),
        }
    }
}

impl<K: Hash + Eq> Buckets<K> {
    /// How long until one more attempt fits, or `None` if it fits now.
    fn wait(&self, key: &K, limit: Limit, now: Timestamp) -> Option<SignedDuration> {
        let interval = limit.interval()?;
        let tat = (*self.tat.get(key)?).max(now);
        let backlog = tat.duration_since(now);
        let room = limit
            .window
            .checked_sub(interval)
            .unwrap_or(SignedDuration::ZERO);
        (backlog > room).then(|| backlog.checked_sub(room).unwrap_or(SignedDuration::MAX))
    }

    fn charge(&mut self, key: K, limit: Limit, now: Timestamp, max_keys: usize) {
        let Some(interval) = limit.interval() else {
            return;
        };
        if !self.tat.contains_key(&key) && self.tat.len() >= max_keys {
            self.make_room(now, max_keys);
        }
        let start = self.tat.get(&key).map_or(now, |tat| (*tat).max(now));
        // Never more than a window ahead: a flood cannot lock a name out for longer.
        let cap = now.checked_add(limit.window).unwrap_or(Timestamp::MAX);
        let tat = start
            .checked_add(interval)
            .unwrap_or(Timestamp::MAX)
            .min(cap);
        self.tat.insert(key, tat);
    }

    /// Takes one attempt back out of `key`'s bucket.
    fn refund(&mut self, key: &K, limit: Limit, now: Timestamp) {
        let (Some(interval), Some(tat)) = (limit.interval(), self.tat.get_mut(key)) else {
            return;
        };
        match tat.checked_sub(interval) {
            Ok(earlier) if earlier > now => *tat = earlier,
            _ => {
                self.tat.remove(key);
            }
        }
    }

    fn purge(&mut self, now: Timestamp) {
        self.tat.retain(|_, tat| *tat > now);
    }

    /// Drops emptied buckets; if that frees nothing, the eighth of the table nearest to
    /// empty, so that the scan is paid once per many new keys, not on each.
    fn make_room(&mut self, now: Timestamp, max_keys: usize) {
        self.purge(now);
        if self.tat.len() < max_keys {
            return;
        }
        let mut times: Vec<Timestamp> = self.tat.values().copied().collect();
        let nth = times.len() / 8;
        let (_, threshold, _) = times.select_nth_unstable(nth);
        let threshold = *threshold;
        self.tat.retain(|_, tat| *tat > threshold);
    }
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};
    use std::sync::Arc;

    use super::*;

    const MIN: SignedDuration = SignedDuration::from_secs(60);

    fn t0() -> Timestamp {
        "2026-01-01T00:00:00Z".parse().unwrap()
    }

    fn ip(last: u8) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, last))
    }

    fn limiter(user_attempts: u32, address_attempts: u32) -> LoginLimiter {
        LoginLimiter::new(
            Limit {
                attempts: user_attempts,
                window: 15 * MIN,
            },
            Limit {
                attempts: address_attempts,
                window: 15 * MIN,
            },
        )
    }

    #[test]
    fn a_burst_then_one_per_interval() {
        let l = limiter(5, 1000);
        let now = t0();
        for i in 0..5 {
            assert_eq!(l.check("alice", ip(1), now), Ok(()), "attempt {i}");
            l.record_failure("alice", ip(1), now);
        }
        // 5 per 15 minutes: the 6th waits one interval of 3 minutes.
        assert_eq!(l.check("alice", ip(1), now), Err(RetryAfter(3 * MIN)));
        let later = now + MIN;
        assert_eq!(l.check("alice", ip(1), later), Err(RetryAfter(2 * MIN)));
        let at = now + 3 * MIN;
        assert_eq!(
            l.check("alice", ip(1), at - SignedDuration::from_nanos(1)),
            Err(RetryAfter(SignedDuration::from_nanos(1)))
        );
        assert_eq!(l.check("alice", ip(1), at), Ok(()));
        l.record_failure("alice", ip(1), at);
        assert_eq!(l.check("alice", ip(1), at), Err(RetryAfter(3 * MIN)));
        // A full window after the last failure, the bucket is empty and forgotten.
        let empty = at + 15 * MIN;
        assert_eq!(l.check("alice", ip(1), empty), Ok(()));
        l.purge(empty);
        assert_eq!(l.tracked_keys(), (0, 0));
    }

    #[test]
    fn failures_spread_out_are_never_refused() {
        let l = limiter(5, 1000);
        let mut now = t0();
        for _ in 0..100 {
            assert_eq!(l.check("alice", ip(1), now), Ok(()));
            l.record_failure("alice", ip(1), now);
            now += 3 * MIN;
        }
    }

    #[test]
    fn unknown_and_existing_users_get_the_same_answers() {
        // The limiter does not know who exists; the server records failures for both alike,
        // so the sequences of answers are identical.
        let l = limiter(3, 1000);
        let answers = |name: &str, address: IpAddr| -> Vec<Result<(), RetryAfter>> {
            (0..6)
                .map(|i| {
                    let now = t0() + SignedDuration::from_secs(i * 10);
                    let answer = l.check(name, address, now);
                    if answer.is_ok() {
                        l.record_failure(name, address, now);
                    }
                    answer
                })
                .collect()
        };
        let existing = answers("admin", ip(1));
        let unknown = answers("nobody-here", ip(2));
        assert_eq!(existing, unknown);
        assert!(existing[3].is_err());
    }

    #[test]
    fn the_address_limit_catches_cycling_names() {
        let l = limiter(5, 10);
        let now = t0();
        for i in 0..10 {
            let name = format!("user{i}");
            assert_eq!(l.check(&name, ip(9), now), Ok(()));
            l.record_failure(&name, ip(9), now);
        }
        // A fresh name from the same address is refused: 10 per 15 min is one per 90 s.
        assert_eq!(
            l.check("fresh", ip(9), now),
            Err(RetryAfter(SignedDuration::from_secs(90)))
        );
        // Another address is not.
        assert_eq!(l.check("fresh", ip(10), now), Ok(()));
    }

    #[test]
    fn the_longer_wait_of_user_and_address_wins() {
        let l = limiter(2, 3);
        let now = t0();
        for _ in 0..2 {
            l.record_failure("alice", ip(1), now);
        }
        // User: 2 per 15 min, full → 7.5 min. Address: 2 of 3 used → fine.
        assert_eq!(
            l.check("alice", ip(1), now),
            Err(RetryAfter(SignedDuration::from_secs(450)))
        );
        l.record_failure("bob", ip(1), now);
        // Address now full (3): 5 min; alice's 7.5 min is longer.
        assert_eq!(
            l.check("alice", ip(1), now),
            Err(RetryAfter(SignedDuration::from_secs(450)))
        );
        assert_eq!(l.check("carol", ip(1), now), Err(RetryAfter(5 * MIN)));
    }

    #[test]
    fn success_forgives_the_user_but_not_the_address() {
        let l = limiter(3, 4);
        let now = t0();
        for _ in 0..2 {
            l.record_failure("alice", ip(1), now);
        }
        assert_eq!(l.begin_attempt("alice", ip(1), now), Ok(()));
        assert!(l.check("alice", ip(2), now).is_err());
        l.record_success("alice", ip(1), now);
        assert_eq!(l.check("alice", ip(2), now), Ok(()));
        // The address still carries the two failures of four, not the success.
        l.record_failure("bob", ip(1), now);
        assert_eq!(l.check("carol", ip(1), now), Ok(()));
        l.record_failure("bob", ip(1), now);
        assert!(l.check("carol", ip(1), now).is_err());
    }

    #[test]
    fn logins_that_succeed_never_use_up_an_address() {
        let l = limiter(3, 4);
        let now = t0();
        for n in 0..100 {
            let user = format!("user-{n}");
            assert_eq!(l.begin_attempt(&user, ip(1), now), Ok(()), "login {n}");
            l.record_success(&user, ip(1), now);
        }
        assert_eq!(l.tracked_keys(), (0, 0));
    }

    #[test]
    fn names_are_compared_lowercased_and_cut() {
        let l = limiter(2, 1000);
        let now = t0();
        l.record_failure("Alice", ip(1), now);
        l.record_failure("ALICE", ip(1), now);
        assert!(l.check("alice", ip(1), now).is_err());
        let long = "é".repeat(1000);
        l.record_failure(&long, ip(1), now);
        l.record_failure(&format!("{long}x"), ip(1), now);
        assert!(l.check(&long, ip(1), now).is_err());
    }

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        let l = limiter(1000, 2);
        let now = t0();
        let a: Ipv6Addr = "2001:db8:1:2::1".parse().unwrap();
        let b: Ipv6Addr = "2001:db8:1:2:ffff:ffff:ffff:ffff".parse().unwrap();
        let other: Ipv6Addr = "2001:db8:1:3::1".parse().unwrap();
        l.record_failure("u1", IpAddr::V6(a), now);
        l.record_failure("u2", IpAddr::V6(b), now);
        assert!(l.check("u3", IpAddr::V6(a), now).is_err());
        assert_eq!(l.check("u3", IpAddr::V6(other), now), Ok(()));
        let mapped: Ipv6Addr = "::ffff:192.0.2.7".parse().unwrap();
        l.record_failure("u1", IpAddr::V6(mapped), now);
        l.record_failure("u2", ip(7), now);
        assert!(l.check("u3", ip(7), now).is_err());
    }

    #[test]
    fn memory_is_bounded_and_the_hammered_name_stays() {
        let l = LoginLimiter::with_max_keys(
            Limit {
                attempts: 5,
                window: 15 * MIN,
            },
            Limit {
                attempts: 0,
                window: 15 * MIN,
            },
            100,
        );
        let now = t0();
        for _ in 0..5 {
            l.record_failure("admin", ip(1), now);
        }
        assert!(l.check("admin", ip(1), now).is_err());
        for i in 0..10_000u32 {
            let address = IpAddr::V4(Ipv4Addr::from(i));
            l.record_failure(&format!("random-{i}"), address, now);
            let (users, addresses) = l.tracked_keys();
            assert!(users <= 100 && addresses <= 100, "{users} {addresses}");
        }
        assert!(l.check("admin", ip(1), now).is_err(), "admin was evicted");
        let later = now + 16 * MIN;
        l.purge(later);
        assert_eq!(l.tracked_keys(), (0, 0));
    }

    #[test]
    fn a_full_table_drops_emptied_buckets_first() {
        let per_user = Limit {
            attempts: 5,
            window: 15 * MIN,
        };
        let l = LoginLimiter::with_max_keys(per_user, per_user, 10);
        let now = t0();
        for i in 0..10 {
            l.record_failure(&format!("u{i}"), ip(i), now);
        }
        assert_eq!(l.tracked_keys(), (10, 10));
        let later = now + 16 * MIN;
        l.record_failure("one-more", ip(200), later);
        assert_eq!(l.tracked_keys(), (1, 1));
    }

    #[test]
    fn no_limit_when_attempts_or_window_are_zero() {
        let l = LoginLimiter::new(
            Limit {
                attempts: 0,
                window: 15 * MIN,
            },
            Limit {
                attempts: 5,
                window: SignedDuration::ZERO,
            },
        );
        let now = t0();
        for _ in 0..100 {
            l.record_failure("alice", ip(1), now);
        }
        assert_eq!(l.check("alice", ip(1), now), Ok(()));
        assert_eq!(l.tracked_keys(), (0, 0));
    }

    #[test]
    fn extreme_limits_and_times_do_not_panic() {
        let l = LoginLimiter::new(
            Limit {
                attempts: u32::MAX,
                window: SignedDuration::from_nanos(1),
            },
            Limit {
                attempts: 1,
                window: SignedDuration::MAX,
            },
        );
        for now in [Timestamp::MIN, t0(), Timestamp::MAX] {
            let _ = l.check("alice", ip(1), now);
            let _ = l.begin_attempt("alice", ip(1), now);
            l.record_success("alice", ip(1), now);
            l.record_failure("alice", ip(1), now);
        }
        let wait = l.check("bob", ip(1), Timestamp::MIN);
        assert!(wait.is_err());
    }

    #[test]
    fn retry_after_seconds_round_up() {
        assert_eq!(RetryAfter(SignedDuration::from_secs(90)).seconds(), 90);
        assert_eq!(
            RetryAfter(SignedDuration::from_millis(90_001)).seconds(),
            91
        );
        assert_eq!(RetryAfter(SignedDuration::from_nanos(1)).seconds(), 1);
        assert_eq!(RetryAfter(SignedDuration::ZERO).seconds(), 1);
    }

    #[test]
    fn begin_attempt_admits_exactly_the_burst_under_concurrency() {
        let l = Arc::new(limiter(7, 1000));
        let now = t0();
        let handles: Vec<_> = (0..16)
            .map(|_| {
                let l = Arc::clone(&l);
                std::thread::spawn(move || {
                    (0..4)
                        .filter(|_| l.begin_attempt("alice", ip(1), now).is_ok())
                        .count()
                })
            })
            .collect();
        let admitted: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(admitted, 7);
        l.record_success("alice", ip(1), now);
        assert_eq!(l.begin_attempt("alice", ip(1), now), Ok(()));
    }
}
