//! The order of a merged list: the patch's (or `$setElementOrder`'s) order for the items it
//! names, the original's for the rest, interleaved where the original had them.
//!
//! Upstream sorts with Go's `sort.SliceStable` and a comparator that is not a strict order
//! when an item is missing from the order list; the same algorithm is used here so that such
//! lists come out in the same order.

use serde_json::Value;

use super::DIRECTIVE_MARKER;
use super::errors::{GO_MAP, bad_arg_type, no_merge_key};
use super::lists::{ElementKind, scalar_eq};
use crate::patch::PatchError;

pub(super) fn normalize_element_order(
    patch: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    merge_key: Option<&str>,
    kind: ElementKind,
) -> Result<Vec<Value>, PatchError> {
    let patch = normalize_slice_order(patch, patch_order, merge_key, kind)?;
    let server_only = normalize_slice_order(server_only, server_order, merge_key, kind)?;
    Ok(merge_sorted(
        server_only,
        patch,
        server_order,
        merge_key,
        kind,
    ))
}

/// Sorts `to_sort` by the position of each item in `order`; items marked for deletion go last.
fn normalize_slice_order(
    to_sort: Vec<Value>,
    order: &[Value],
    merge_key: Option<&str>,
    kind: ElementKind,
) -> Result<Vec<Value>, PatchError> {
    let (to_sort, to_delete) = if kind == ElementKind::Object {
        let key = merge_key.unwrap_or_default();
        for item in to_sort.iter().chain(order) {
            let Value::Object(map) = item else {
                return Err(bad_arg_type(GO_MAP, item));
            };
            if !map.contains_key(key) {
                return Err(no_merge_key(map, key));
            }
        }
        to_sort
            .into_iter()
            .partition(|item| item.get(DIRECTIVE_MARKER).and_then(Value::as_str) != Some("delete"))
    } else {
        (to_sort, Vec::new())
    };
    let mut positioned: Vec<(Option<usize>, Value)> = to_sort
        .into_iter()
        .map(|item| (index_of(order, &item, merge_key, kind), item))
        .collect();
    go_stable_sort(&mut positioned, |a, b| match (a.0, b.0) {
        (Some(a), Some(b)) => a < b,
        _ => true,
    });
    let mut sorted: Vec<Value> = positioned.into_iter().map(|(_, item)| item).collect();
    sorted.extend(to_delete);
    Ok(sorted)
}

/// Inserts the server-only items (`left`) among the patch items (`right`), each before the
/// first patch item that comes after it in the original.
fn merge_sorted(
    left: Vec<Value>,
    right: Vec<Value>,
    server_order: &[Value],
    merge_key: Option<&str>,
    kind: ElementKind,
) -> Vec<Value> {
    let position = |item: &Value| index_of(server_order, item, merge_key, kind);
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut left = left.into_iter().peekable();
    let mut right = right.into_iter().peekable();
    loop {
        let take_left = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(l), Some(r)) => {
                matches!((position(l), position(r)), (Some(li), Some(ri)) if li < ri)
            }
        };
        let next = if take_left { left.next() } else { right.next() };
        out.extend(next);
    }
    out
}

/// Where `item` is in `list`: by the merge key's value for objects (an object without the key
/// matches another without it, as Go's nil does), by value otherwise.
fn index_of(
    list: &[Value],
    item: &Value,
    merge_key: Option<&str>,
    kind: ElementKind,
) -> Option<usize> {
    if kind == ElementKind::Object {
        let key = merge_key.unwrap_or_default();
        let wanted = item.as_object().and_then(|m| m.get(key));
        list.iter().position(|candidate| {
            let value = candidate.as_object().and_then(|m| m.get(key));
            match (wanted, value) {
                (None, None) => true,
                (Some(a), Some(b)) => scalar_eq(a, b),
                _ => false,
            }
        })
    } else {
        list.iter().position(|candidate| scalar_eq(candidate, item))
    }
}

/// Go's `sort.SliceStable`: insertion sort on blocks of 20, then in-place symmetric merges.
/// Reproduced rather than using Rust's sort so that an inconsistent comparator gives Go's
/// result.
fn go_stable_sort<T>(data: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let n = data.len();
    let mut block = 20;
    let (mut a, mut b) = (0, block);
    while b <= n {
        insertion_sort(data, a, b, &less);
        a = b;
        b += block;
    }
    insertion_sort(data, a, n, &less);
    while block < n {
        let (mut a, mut b) = (0, 2 * block);
        while b <= n {
            sym_merge(data, a, a + block, b, &less);
            a = b;
            b += 2 * block;
        }
        let m = a + block;
        if m < n {
            sym_merge(data, a, m, n, &less);
        }
        block *= 2;
    }
}

fn is_less<T>(data: &[T], i: usize, j: usize, less: &impl Fn(&T, &T) -> bool) -> bool {
    match (data.get(i), data.get(j)) {
        (Some(x), Some(y)) => less(x, y),
        _ => false,
    }
}

fn swap<T>(data: &mut [T], i: usize, j: usize) {
    if i < data.len() && j < data.len() {
        data.swap(i, j);
    }
}

fn insertion_sort<T>(data: &mut [T], a: usize, b: usize, less: &impl Fn(&T, &T) -> bool) {
    for i in a + 1..b {
        let mut j = i;
        while j > a && is_less(data, j, j - 1, less) {
            swap(data, j, j - 1);
            j -= 1;
        }
    }
}

fn sym_merge<T>(data: &mut [T], a: usize, m: usize, b: usize, less: &impl Fn(&T, &T) -> bool) {
    if m - a == 1 {
        let (mut i, mut j) = (m, b);
        while i < j {
            let h = (i + j) / 2;
            if is_less(data, h, a, less) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        for k in a..i.saturating_sub(1) {
            swap(data, k, k + 1);
        }
        return;
    }
    if b - m == 1 {
        let (mut i, mut j) = (a, m);
        while i < j {
            let h = (i + j) / 2;
            if !is_less(data, m, h, less) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        let mut k = m;
        while k > i {
            swap(data, k, k - 1);
            k -= 1;
        }
        return;
    }
    let mid = (a + b) / 2;
    let n = mid + m;
    let (mut start, mut r) = if m > mid { (n - b, mid) } else { (a, m) };
    let p = n - 1;
    while start < r {
        let c = (start + r) / 2;
        if !is_less(data, p - c, c, less) {
            start = c + 1;
        } else {
            r = c;
        }
    }
    let end = n - start;
    if start < m && m < end {
        rotate(data, start, m, end);
    }
    if a < start && start < mid {
        sym_merge(data, a, start, mid, less);
    }
    if mid < end && end < b {
        sym_merge(data, mid, end, b, less);
    }
}

fn rotate<T>(data: &mut [T], a: usize, m: usize, b: usize) {
    let mut i = m - a;
    let mut j = b - m;
    while i != j {
        if i > j {
            swap_range(data, m - i, m, j);
            i -= j;
        } else {
            swap_range(data, m - i, m + j - i, i);
            j -= i;
        }
    }
    swap_range(data, m - i, m, i);
}

fn swap_range<T>(data: &mut [T], a: usize, b: usize, n: usize) {
    for i in 0..n {
        swap(data, a + i, b + i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_sort_sorts_like_a_stable_sort_for_proper_orders() {
        // Pairs (key, original position); sizes cross the 20-item block boundary.
        for n in [0usize, 1, 2, 5, 19, 20, 21, 40, 57, 100] {
            let mut data: Vec<(usize, usize)> = (0..n).map(|i| ((i * 7919) % 13, i)).collect();
            let mut expected = data.clone();
            expected.sort_by_key(|x| x.0);
            go_stable_sort(&mut data, |x, y| x.0 < y.0);
            assert_eq!(data, expected, "n = {n}");
        }
    }

    #[test]
    fn stable_sort_survives_an_inconsistent_comparator() {
        for n in [3usize, 20, 45] {
            let mut data: Vec<usize> = (0..n).collect();
            go_stable_sort(&mut data, |_, _| true);
            let mut sorted = data.clone();
            sorted.sort_unstable();
            assert_eq!(
                sorted,
                (0..n).collect::<Vec<_>>(),
                "a permutation for n = {n}"
            );
        }
    }
}
