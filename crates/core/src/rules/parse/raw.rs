//! TOML text → a raw value tree with positions ([`Node`]): every value keeps its line
//! and its text as written, for messages. Also builds the node of a `--set` value.

use std::str::FromStr;

#[derive(Debug, Clone)]
pub(in crate::rules) enum V {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Datetime(toml_edit::Datetime),
    Array(Vec<Node>),
    Table(Vec<Entry>),
}

#[derive(Debug, Clone)]
pub(in crate::rules) struct Node {
    pub(in crate::rules) v: V,
    pub(in crate::rules) line: Option<usize>,
    /// The value as written, shortened, for messages.
    pub(in crate::rules) raw: String,
    /// From `--set` and not valid TOML: a bare string.
    pub(in crate::rules) bare: bool,
}

#[derive(Debug, Clone)]
pub(in crate::rules) struct Entry {
    pub(in crate::rules) key: String,
    pub(in crate::rules) line: Option<usize>,
    pub(in crate::rules) node: Node,
}

impl V {
    pub(in crate::rules) fn type_name(&self) -> &'static str {
        match self {
            V::Str(_) => "a string",
            V::Int(_) => "an integer",
            V::Float(_) => "a float",
            V::Bool(_) => "a boolean",
            V::Datetime(_) => "a date-time",
            V::Array(_) => "an array",
            V::Table(_) => "a table",
        }
    }
}

/// Byte offset → 1-based line.
pub(in crate::rules) struct Lines<'a> {
    pub(in crate::rules) text: &'a str,
    pub(in crate::rules) starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(in crate::rules) fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }
    pub(in crate::rules) fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }
    pub(in crate::rules) fn line_of(&self, span: Option<std::ops::Range<usize>>) -> Option<usize> {
        span.map(|s| self.line(s.start))
    }
    /// 1-based column (in characters) of a byte offset.
    pub(in crate::rules) fn column(&self, offset: usize) -> usize {
        let start = self
            .starts
            .get(self.line(offset).saturating_sub(1))
            .copied()
            .unwrap_or(0);
        self.text
            .get(start..offset.min(self.text.len()))
            .map_or(1, |t| t.chars().count() + 1)
    }
    pub(in crate::rules) fn raw(&self, span: Option<std::ops::Range<usize>>) -> Option<String> {
        let s = span?;
        self.text.get(s).map(shorten)
    }
}

pub(in crate::rules) fn shorten(s: &str) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > 60 {
        let mut t: String = one.chars().take(57).collect();
        t.push('…');
        t
    } else {
        one
    }
}

pub(in crate::rules) fn node_of_value(v: &toml_edit::Value, lines: Option<&Lines<'_>>) -> Node {
    use toml_edit::Value as T;
    let line = lines.and_then(|l| l.line_of(v.span()));
    let raw = lines.and_then(|l| l.raw(v.span()));
    let v = match v {
        T::String(s) => V::Str(s.value().clone()),
        T::Integer(i) => V::Int(*i.value()),
        T::Float(x) => V::Float(*x.value()),
        T::Boolean(b) => V::Bool(*b.value()),
        T::Datetime(d) => V::Datetime(*d.value()),
        T::Array(a) => V::Array(a.iter().map(|x| node_of_value(x, lines)).collect()),
        T::InlineTable(t) => V::Table(
            t.iter()
                .map(|(k, x)| Entry {
                    key: k.to_string(),
                    line: lines
                        .and_then(|l| l.line_of(t.key(k).and_then(|k| k.span())))
                        .or_else(|| lines.and_then(|l| l.line_of(x.span()))),
                    node: node_of_value(x, lines),
                })
                .collect(),
        ),
    };
    let raw = raw.unwrap_or_else(|| shorten(&render(&v)));
    Node {
        v,
        line,
        raw,
        bare: false,
    }
}

/// A value written back as TOML, for messages about override values.
pub(in crate::rules) fn render(v: &V) -> String {
    match v {
        V::Str(s) => format!("{s:?}"),
        V::Int(i) => i.to_string(),
        V::Float(x) => x.to_string(),
        V::Bool(b) => b.to_string(),
        V::Datetime(d) => d.to_string(),
        V::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|n| render(&n.v))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        V::Table(entries) => format!(
            "{{ {} }}",
            entries
                .iter()
                .map(|e| format!("{} = {}", e.key, render(&e.node.v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

pub(in crate::rules) fn node_of_table(t: &toml_edit::Table, lines: &Lines<'_>) -> Node {
    let entries = t
        .iter()
        .filter_map(|(k, item)| {
            let key_line = lines.line_of(t.key(k).and_then(|k| k.span()));
            let mut node = node_of_item(item, lines)?;
            if node.line.is_none() {
                node.line = key_line;
            }
            Some(Entry {
                key: k.to_string(),
                line: key_line.or(node.line),
                node,
            })
        })
        .collect();
    Node {
        v: V::Table(entries),
        line: lines.line_of(t.span()),
        raw: String::new(),
        bare: false,
    }
}

pub(in crate::rules) fn node_of_item(item: &toml_edit::Item, lines: &Lines<'_>) -> Option<Node> {
    use toml_edit::Item as I;
    match item {
        I::None => None,
        I::Value(v) => Some(node_of_value(v, Some(lines))),
        I::Table(t) => Some(node_of_table(t, lines)),
        I::ArrayOfTables(a) => Some(Node {
            v: V::Array(a.iter().map(|t| node_of_table(t, lines)).collect()),
            line: lines.line_of(a.span()),
            raw: String::new(),
            bare: false,
        }),
    }
}

/// The node of a `--set` value (or a key's default): a TOML value, or a bare string
/// when the text is not one (`--set quota.backbone_share_level=district`).
pub(in crate::rules) fn value_node(value: &str) -> Node {
    match toml_edit::Value::from_str(value) {
        Ok(v) => {
            let mut n = node_of_value(&v, None);
            n.raw = shorten(value);
            n
        }
        Err(_) => Node {
            v: V::Str(value.to_string()),
            line: None,
            raw: shorten(value),
            bare: true,
        },
    }
}
