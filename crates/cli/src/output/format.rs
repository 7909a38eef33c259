//! `-o table|wide|json|yaml|name|jsonpath=TEMPLATE`.

use clap::Args;

use super::jsonpath::Template;

#[derive(Debug, Clone)]
pub enum OutputFormat {
    Table,
    Wide,
    Json,
    Yaml,
    Name,
    JsonPath(Template),
}

impl OutputFormat {
    pub fn parse(text: &str) -> Result<OutputFormat, String> {
        Ok(match text {
            "" | "table" => OutputFormat::Table,
            "wide" => OutputFormat::Wide,
            "json" => OutputFormat::Json,
            "yaml" => OutputFormat::Yaml,
            "name" => OutputFormat::Name,
            _ => match text.split_once('=') {
                Some(("jsonpath", template)) => OutputFormat::JsonPath(Template::parse(template)?),
                _ => {
                    return Err(format!(
                        "unknown output format {text:?}: use table, wide, json, yaml, name or jsonpath=TEMPLATE"
                    ));
                }
            },
        })
    }

    pub fn is_table(&self) -> bool {
        matches!(self, OutputFormat::Table | OutputFormat::Wide)
    }
}

/// The `-o` flag and `--no-headers`, for commands that print objects.
#[derive(Args, Debug, Clone)]
pub struct OutputArgs {
    /// Output format: table, wide, json, yaml, name or jsonpath=TEMPLATE.
    #[arg(short = 'o', long = "output", default_value = "table", value_parser = OutputFormat::parse)]
    pub output: OutputFormat,
    /// Print tables without their header line.
    #[arg(long)]
    pub no_headers: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse() {
        assert!(matches!(
            OutputFormat::parse("wide"),
            Ok(OutputFormat::Wide)
        ));
        assert!(matches!(
            OutputFormat::parse("table"),
            Ok(OutputFormat::Table)
        ));
        assert!(matches!(
            OutputFormat::parse("jsonpath={.metadata.name}"),
            Ok(OutputFormat::JsonPath(_))
        ));
        assert!(OutputFormat::parse("xml").is_err());
        assert!(OutputFormat::parse("jsonpath={.a").is_err());
    }
}
