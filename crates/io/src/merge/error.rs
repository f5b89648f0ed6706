//! Why shard folders cannot be merged, one variant per kind of problem. The words are
//! the ones `rotaplan merge` prints after `error: `; most say what to rerun, and
//! [`MergeError::help`] says what to do about each.

use crate::horizon::HorizonError;
use crate::output::RenderError;

/// A problem with the shard folders given to `merge`; every one found is reported.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A problem with one file of one shard folder (`path` as shown to the user).
    #[error("{path}: {problem}")]
    InFile { path: String, problem: FileProblem },
    /// Plan shards and horizon shards given together.
    #[error("some folders are plan shards and some horizon shards: merge one kind at a time")]
    MixedKinds,
    /// Two shards whose fingerprints differ (`difference` names what differs).
    #[error("{first} and {other} are not shards of one run: {difference}; {RERUN}")]
    NotOneRun {
        first: String,
        other: String,
        difference: String,
    },
    /// No folder given, or none of the kind merged.
    #[error("no shard folders given")]
    NoShards,
    /// Shards of different shard counts `N`.
    #[error("{dir} is shard {index}/{count}, but {first} is of {n}")]
    OtherCount {
        dir: String,
        index: u32,
        count: u32,
        first: String,
        n: u32,
    },
    /// Shards of the run that no folder given holds (`I/N` each).
    #[error("missing shard(s): {}", .missing.join(", "))]
    Missing { missing: Vec<String> },
    /// One shard in two folders.
    #[error("shard {index}/{n} given twice: {}", .dirs.join(", "))]
    Twice {
        index: usize,
        n: u32,
        dirs: Vec<String>,
    },
    /// One district planned by two shards.
    #[error("district {district} is in both {first} and {second}")]
    DistrictTwice {
        district: String,
        first: String,
        second: String,
    },
    /// Shards of a plan year that planned different years, rules or report settings
    /// (`planned` and `first_planned` describe them).
    #[error("{dir} planned {planned}, but {first} planned {first_planned}")]
    OtherYear {
        dir: String,
        planned: String,
        first: String,
        first_planned: String,
    },
    /// A manifest's backbone target that is not a share.
    #[error("bad backbone_target {0:?}")]
    BadBackboneTarget(String),
    /// A manifest's minimum share that is not a share.
    #[error("bad min_share_of_eligible {0:?}")]
    BadShare(String),
    /// Horizon shards of different periods or rules (the periods as `{:?}`).
    #[error("{dir} planned another period or rules than {first} ({period} vs {first_period})")]
    OtherPeriod {
        dir: String,
        first: String,
        period: String,
        first_period: String,
    },
    /// Horizon shards whose target searches took different numbers of shares a round.
    #[error(
        "{dir} searched {probes} shares per round but {first} searched {first_probes} \
         (machines with different core counts): rerun the shards with the same \
         RAYON_NUM_THREADS"
    )]
    OtherProbes {
        dir: String,
        probes: u32,
        first: String,
        first_probes: u32,
    },
    /// Horizon shards whose reports are in different languages.
    #[error(
        "{dir} wrote its report in another language than {first}: rerun the shards with the \
         same --lang"
    )]
    OtherLang { dir: String, first: String },
    /// Shards whose "what it takes" horizons ran under different rules.
    #[error(
        "the shards ran \"what it takes\" under different rules (term.years {first_term} vs \
         {term}, max_distance_km {first_km} vs {km}); rerun every shard with the same rules"
    )]
    OtherTakes {
        first_term: i32,
        term: i32,
        first_km: f64,
        km: f64,
    },
    /// A shard without the horizon of one term length that "what it takes" needs.
    #[error("a shard lacks the horizon with term.years = {0}; rerun every shard")]
    LacksTerm(i32),
    /// Horizon shards whose rows are of different years.
    #[error("the shards' horizons cover different years")]
    OtherYears,
    /// Replaying the target search on the shards' horizons failed.
    #[error(transparent)]
    Search(#[from] HorizonError),
    /// A merged file could not be rendered.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// Tables that did not come back as merged (cannot happen).
    #[error("{0}")]
    Bug(&'static str),
}

/// What is wrong with one file of a shard folder.
#[derive(Debug, thiserror::Error)]
pub enum FileProblem {
    /// It cannot be read.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A CSV that does not read.
    #[error(transparent)]
    Csv(#[from] csv::Error),
    /// A shard.json that is not JSON of a manifest.
    #[error("not a shard manifest: {0}")]
    NotManifest(serde_json::Error),
    /// A summary.json that is not a summary.
    #[error(transparent)]
    Json(serde_json::Error),
    /// A shard.json that the folder's last run did not write; `command` is the
    /// command that run was, if the folder says.
    #[error(
        "this shard.json was not written by the folder's last run (the folder holds {}); \
         rerun the shard into its own folder",
        match command {
            Some(c) => format!("the output of `rotaplan {c}` without --shard"),
            None => "files from an older rotaplan or from elsewhere".to_string(),
        }
    )]
    Stale { command: Option<String> },
    /// A manifest of an older rotaplan, without the report's inputs.
    #[error("has no report inputs (written by an older rotaplan?): rerun this shard")]
    NoReportInputs,
    /// A manifest of an older rotaplan, without its run's fingerprint.
    #[error(
        "shard.json has no fingerprint of its data and rules (written by an older rotaplan); \
         {RERUN}"
    )]
    NoFingerprint,
    /// A horizon manifest of an older rotaplan, without "what it takes".
    #[error(
        "shard.json has no \"what it takes\" horizons (written by an older rotaplan) and the \
         merged period misses its target; rerun every shard"
    )]
    NoTakes,
    /// A language that is not `zh` or `en`.
    #[error("unknown report language {0:?}")]
    UnknownLang(String),
    /// A CSV whose header differs from the other shards' same file.
    #[error("its columns differ from the other shards'")]
    OtherColumns,
    /// A CSV without a column the merge needs.
    #[error("no column {0}")]
    NoColumn(String),
    /// schools.csv without the columns that name a school's district.
    #[error("no school_id or district column")]
    NoSchoolColumns,
    /// A cell that is not of its column's kind (`row`: the spreadsheet row).
    #[error("row {row}: bad value {value:?}")]
    BadValue { row: usize, value: String },
    /// pins_cost.csv's row cell that is not a number.
    #[error("row {0:?} is not a number")]
    NotARow(Option<String>),
    /// A school that no shard's schools.csv lists.
    #[error("school {0} is in no shard's schools.csv")]
    UnknownSchool(String),
    /// A manifest naming a school that no schools.csv has.
    #[error("names school {0}, which no schools.csv has")]
    UnlistedSchool(String),
    /// changes.csv with a change that is not one of its kinds.
    #[error("unknown change {0:?}")]
    UnknownChange(String),
    /// A shard without the itinerant file the others wrote.
    #[error("no {0} although other shards have one: rerun this shard")]
    Lacks(&'static str),
}

/// The advice of a fingerprint that does not match.
const RERUN: &str = "rerun every shard with the same command, data, rules and --set values";

impl MergeError {
    /// A problem with the file at `path`.
    pub fn at(path: impl std::fmt::Display, problem: impl Into<FileProblem>) -> MergeError {
        MergeError::InFile {
            path: path.to_string(),
            problem: problem.into(),
        }
    }

    /// What to do about it.
    pub fn help(&self) -> &'static str {
        match self {
            MergeError::Render(_) | MergeError::Search(_) | MergeError::Bug(_) => {
                "nothing was written; run the merge again, and report it if it fails again"
            }
            MergeError::NoShards | MergeError::Missing { .. } => {
                "give every shard folder of the run, 1/N to N/N"
            }
            MergeError::MixedKinds | MergeError::Twice { .. } => {
                "give each shard folder of one run once"
            }
            _ => {
                "rerun the shards named with the same command, data, rules and options, \
                  each into its own folder, then merge again"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{FileProblem, MergeError};

    /// The words `merge` prints, as they were when these errors were strings.
    #[test]
    fn messages_keep_their_words() {
        assert_eq!(
            MergeError::at("a/shard.json", FileProblem::Stale { command: None }).to_string(),
            "a/shard.json: this shard.json was not written by the folder's last run (the \
             folder holds files from an older rotaplan or from elsewhere); rerun the shard \
             into its own folder"
        );
        assert_eq!(
            MergeError::at("a", FileProblem::NoFingerprint).to_string(),
            "a: shard.json has no fingerprint of its data and rules (written by an older \
             rotaplan); rerun every shard with the same command, data, rules and --set values"
        );
        assert_eq!(
            MergeError::Missing {
                missing: vec!["2/4".into(), "3/4".into()]
            }
            .to_string(),
            "missing shard(s): 2/4, 3/4"
        );
        assert_eq!(
            MergeError::at(
                "2021/schools.csv",
                FileProblem::BadValue {
                    row: 3,
                    value: "x".into()
                }
            )
            .to_string(),
            "2021/schools.csv: row 3: bad value \"x\""
        );
        assert!(!MergeError::NoShards.help().is_empty());
    }
}
