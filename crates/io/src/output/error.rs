//! Why a command's files could not be rendered in memory. Nothing is written when
//! one fails: the files of a run are committed together (see [`super::OutDir`]).

use super::redact::RedactError;
use crate::stats::FiguresMismatch;
use crate::xlsx::XlsxWriteError;

/// A file of the output that could not be rendered, in the words of the writer that
/// failed (the user reads `error: …` with exactly those words).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A CSV table could not be serialised.
    #[error(transparent)]
    Csv(#[from] csv::Error),
    /// A CSV writer could not hand back its bytes.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A JSON file (summary.json, a shard's manifest) could not be serialised.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// A workbook could not be built.
    #[error(transparent)]
    Xlsx(#[from] XlsxWriteError),
    /// `--redact` could not give every id its own pseudonym.
    #[error(transparent)]
    Redact(#[from] RedactError),
    /// The summary's figures disagree with the checker's (a bug: the plan is not
    /// written).
    #[error(transparent)]
    Figures(#[from] FiguresMismatch),
}

impl RenderError {
    /// What to do about it.
    pub fn help(&self) -> &'static str {
        match self {
            RenderError::Redact(_) => "use another --redact-key-file",
            RenderError::Figures(_) => {
                "nothing was written; please report this with the data and rules of the run"
            }
            RenderError::Csv(_)
            | RenderError::Io(_)
            | RenderError::Json(_)
            | RenderError::Xlsx(_) => {
                "nothing was written; run the command again, and report it if it fails again"
            }
        }
    }
}

impl From<csv::IntoInnerError<csv::Writer<Vec<u8>>>> for RenderError {
    fn from(e: csv::IntoInnerError<csv::Writer<Vec<u8>>>) -> RenderError {
        RenderError::Io(e.into_error())
    }
}

#[cfg(test)]
mod tests {
    use super::RenderError;

    /// The user reads the failing writer's own words, as when these were strings.
    #[test]
    fn keeps_the_writers_words() {
        let io = std::io::Error::other("disk full");
        assert_eq!(RenderError::from(io).to_string(), "disk full");
        let json = serde_json::from_str::<u32>("x").map_err(RenderError::from);
        let words = serde_json::from_str::<u32>("x").map_err(|e| e.to_string());
        assert_eq!(json.map_err(|e| e.to_string()), words);
        assert!(!RenderError::Io(std::io::Error::other("x"))
            .help()
            .is_empty());
    }
}
