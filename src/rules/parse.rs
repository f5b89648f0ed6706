//! Rule file parsing (placeholder until the validated parser lands).
use super::Rules;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct RuleError {
    pub file: String,
    pub line: Option<usize>,
    pub key: String,
    pub message: String,
    pub help: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RuleErrors(pub Vec<RuleError>);

pub fn parse_rules(_text: &str, file: &str, _overrides: &[String]) -> Result<Rules, RuleErrors> {
    Ok(Rules { source: file.to_string(), ..Rules::default() })
}

pub fn load_rules(path: &Path, overrides: &[String]) -> Result<Rules, RuleErrors> {
    let text = std::fs::read_to_string(path).map_err(|e| RuleErrors(vec![RuleError {
        file: path.display().to_string(), line: None, key: String::new(), message: e.to_string(), help: None }]))?;
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    parse_rules(&text, &name, overrides)
}
