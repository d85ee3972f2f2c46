//! A strict reader of the Prometheus text format (version 0.0.4), for the metrics tests.
//!
//! Written here rather than taken from a crate: `prometheus-parse`, the one crate for it,
//! skips the lines it cannot read, where a test must fail on them. This refuses any line
//! that is not a comment, a `# HELP`, a `# TYPE` or a well-formed sample; a sample of a
//! family with no `# TYPE` before it; a series written twice; a counter below zero; and a
//! histogram whose buckets fall or whose `+Inf` bucket differs from its `_count`.
use std::collections::{BTreeMap, HashMap};

/// One sample line: its metric name, labels and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The metric name (`appward_http_requests_total`, `…_bucket`).
    pub name: String,
    /// Its labels, by name.
    pub labels: BTreeMap<String, String>,
    /// Its value.
    pub value: f64,
}

/// A whole exposition, read.
#[derive(Debug, Clone, Default)]
pub struct Exposition {
    /// Every sample, in order.
    pub samples: Vec<Sample>,
    /// The type of each family, by its name.
    pub types: HashMap<String, String>,
}

impl Exposition {
    /// The value of the series `name` with exactly the labels `labels`.
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let wanted: BTreeMap<String, String> = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.samples
            .iter()
            .find(|sample| sample.name == name && sample.labels == wanted)
            .map(|sample| sample.value)
    }

    /// [`Exposition::value`], 0 when the series is absent (a counter not yet made).
    pub fn count(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.value(name, labels).unwrap_or(0.0)
    }
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn number(text: &str) -> Result<f64, String> {
    match text {
        "+Inf" | "Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        "NaN" => Ok(f64::NAN),
        _ => text.parse().map_err(|_| format!("not a number: {text:?}")),
    }
}

/// Reads `text`; `Err` names the first line that is not in the format.
pub fn parse(text: &str) -> Result<Exposition, String> {
    if !text.is_empty() && !text.ends_with('\n') {
        return Err("the exposition does not end with a line break".into());
    }
    let mut exposition = Exposition::default();
    let mut helped = HashMap::new();
    let mut seen = std::collections::HashSet::new();
    for (number_of_line, line) in text.lines().enumerate() {
        let fail = |why: String| format!("line {}: {why}: {line:?}", number_of_line + 1);
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let mut words = comment.trim_start().splitn(3, ' ');
            match (words.next(), words.next(), words.next()) {
                (Some("HELP"), Some(name), _)
                    if !is_name(name) || helped.insert(name.to_owned(), ()).is_some() =>
                {
                    return Err(fail("a bad or second HELP".into()));
                }
                (Some("TYPE"), Some(name), Some(kind)) => {
                    if !is_name(name)
                        || !["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind)
                    {
                        return Err(fail("a bad TYPE".into()));
                    }
                    if exposition
                        .types
                        .insert(name.to_owned(), kind.to_owned())
                        .is_some()
                    {
                        return Err(fail("a second TYPE".into()));
                    }
                    if exposition
                        .samples
                        .iter()
                        .any(|sample| family(&sample.name, &exposition.types) == Some(name))
                    {
                        return Err(fail("a TYPE after its samples".into()));
                    }
                }
                (Some("TYPE"), _, _) => return Err(fail("a TYPE without a type".into())),
                _ => {} // a comment
            }
            continue;
        }
        let sample = sample(line).map_err(fail)?;
        let Some(family) = family(&sample.name, &exposition.types) else {
            return Err(fail("a sample of no declared family".into()));
        };
        if exposition.types[family] == "counter" && (sample.value.is_nan() || sample.value < 0.0) {
            return Err(fail("a counter below zero".into()));
        }
        if sample.name.ends_with("_bucket") && !sample.labels.contains_key("le") {
            return Err(fail("a bucket without le".into()));
        }
        if !seen.insert((sample.name.clone(), sample.labels.clone())) {
            return Err(fail("a series written twice".into()));
        }
        exposition.samples.push(sample);
    }
    check_histograms(&exposition)?;
    Ok(exposition)
}

/// The declared family a sample belongs to: its own name, or a histogram's or summary's
/// for the `_bucket`, `_sum` and `_count` series.
fn family<'a>(name: &str, types: &'a HashMap<String, String>) -> Option<&'a str> {
    if let Some((declared, _)) = types.get_key_value(name) {
        return Some(declared);
    }
    for suffix in ["_bucket", "_sum", "_count"] {
        if let Some(base) = name.strip_suffix(suffix)
            && let Some((declared, kind)) = types.get_key_value(base)
            && (kind == "histogram" || (kind == "summary" && suffix != "_bucket"))
        {
            return Some(declared);
        }
    }
    None
}

fn sample(line: &str) -> Result<Sample, String> {
    let name_end = line.find(['{', ' ']).ok_or_else(|| "no value".to_owned())?;
    let name = &line[..name_end];
    if !is_name(name) {
        return Err("a bad metric name".into());
    }
    let mut rest = &line[name_end..];
    let mut labels = BTreeMap::new();
    if let Some(after) = rest.strip_prefix('{') {
        let mut chars = after.char_indices().peekable();
        loop {
            // A label name, `=`, a quoted value; then `,` or `}`.
            let start = match chars.peek() {
                Some((_, '}')) => {
                    let (at, _) = chars.next().unwrap();
                    rest = &after[at + 1..];
                    break;
                }
                Some((at, _)) => *at,
                None => return Err("unclosed labels".into()),
            };
            let eq = after[start..]
                .find('=')
                .ok_or_else(|| "a label without =".to_owned())?
                + start;
            let label = &after[start..eq];
            if !is_label_name(label) {
                return Err(format!("a bad label name {label:?}"));
            }
            while chars.peek().is_some_and(|(at, _)| *at <= eq) {
                chars.next();
            }
            if chars.next().map(|(_, c)| c) != Some('"') {
                return Err("a label value not in quotes".into());
            }
            let mut value = String::new();
            loop {
                match chars.next() {
                    Some((_, '"')) => break,
                    Some((_, '\\')) => match chars.next() {
                        Some((_, '\\')) => value.push('\\'),
                        Some((_, '"')) => value.push('"'),
                        Some((_, 'n')) => value.push('\n'),
                        _ => return Err("a bad escape in a label value".into()),
                    },
                    Some((_, '\n')) | None => return Err("an unclosed label value".into()),
                    Some((_, c)) => value.push(c),
                }
            }
            if labels.insert(label.to_owned(), value).is_some() {
                return Err(format!("the label {label:?} twice"));
            }
            match chars.peek() {
                Some((_, ',')) => {
                    chars.next();
                }
                Some((_, '}')) => {}
                _ => return Err("labels not separated by commas".into()),
            }
        }
    }
    let rest = rest
        .strip_prefix(' ')
        .ok_or_else(|| "no space before the value".to_owned())?;
    let mut parts = rest.split(' ');
    let value = number(parts.next().unwrap_or_default())?;
    if let Some(timestamp) = parts.next()
        && timestamp.parse::<i64>().is_err()
    {
        return Err("a bad timestamp".into());
    }
    if parts.next().is_some() {
        return Err("more than a value and a timestamp".into());
    }
    Ok(Sample {
        name: name.to_owned(),
        labels,
        value,
    })
}

/// Each histogram series: buckets that never fall, and a `+Inf` bucket equal to `_count`.
fn check_histograms(exposition: &Exposition) -> Result<(), String> {
    for (name, kind) in &exposition.types {
        if kind != "histogram" {
            continue;
        }
        let mut series: BTreeMap<BTreeMap<String, String>, Vec<(f64, f64)>> = BTreeMap::new();
        for sample in &exposition.samples {
            if sample.name == format!("{name}_bucket") {
                let mut labels = sample.labels.clone();
                let le = number(&labels.remove("le").unwrap_or_default())?;
                series.entry(labels).or_default().push((le, sample.value));
            }
        }
        for (labels, mut buckets) in series {
            buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
            if buckets.windows(2).any(|pair| pair[1].1 < pair[0].1) {
                return Err(format!("{name}{labels:?}: buckets that fall"));
            }
            let count = exposition
                .samples
                .iter()
                .find(|sample| sample.name == format!("{name}_count") && sample.labels == labels)
                .map(|sample| sample.value);
            match buckets.last() {
                Some((le, inf)) if le.is_infinite() && Some(*inf) == count => {}
                _ => return Err(format!("{name}{labels:?}: +Inf bucket is not _count")),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_text_is_read_and_bad_text_refused() {
        let good = "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1\",y=\"q\\\"\"} 3\n\
                    # TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3.5\nh_count 2\n";
        let read = parse(good).unwrap();
        assert_eq!(
            read.value("a_total", &[("x", "1"), ("y", "q\"")]),
            Some(3.0)
        );
        assert_eq!(read.samples.len(), 5);
        for bad in [
            "a_total 1\n",                                              // no TYPE
            "# TYPE a counter\na{x=1} 1\n",                             // unquoted
            "# TYPE a counter\na 1\na 2\n",                             // twice
            "# TYPE a counter\na -1\n",                                 // below zero
            "# TYPE a counter\na one\n",                                // not a number
            "# TYPE a counter\na 1",                                    // no final line break
            "# TYPE a gauge\na{x=\"1\" y=\"2\"} 1\n",                   // no comma
            "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 3\n", // +Inf != count
            "# TYPE a gauge\nwhat is this\n",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
