//! Options and loading shared by every command.

use super::Exit;
use crate::error::{FlagError, OutsidePeriod};
use clap::Args;
use rotaplan_core::rules::{load_rules, RuleErrors, Rules};
use rotaplan_io::input::{self, DataSources, Loaded};
use rotaplan_io::output::redact::{RedactError, Redactor};
use rotaplan_io::output::{OutDir, OutError, Staged};
use rotaplan_io::shard::{Fingerprint, Shard};
use std::path::{Path, PathBuf};

#[derive(Args, Debug, Clone, Default)]
pub struct DataArgs {
    /// Data folder with schools, teachers, needs (and optionally ledger, evaluators)
    /// as .csv or .xlsx.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// schools file (overrides the one in --data).
    #[arg(long, value_name = "FILE")]
    pub schools: Option<PathBuf>,
    /// teachers file.
    #[arg(long, value_name = "FILE")]
    pub teachers: Option<PathBuf>,
    /// needs file.
    #[arg(long, value_name = "FILE")]
    pub needs: Option<PathBuf>,
    /// ledger file.
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
    /// evaluators file.
    #[arg(long, value_name = "FILE")]
    pub evaluators: Option<PathBuf>,
    /// itinerant_needs file (lessons schools lack, for itinerant teaching).
    #[arg(long, value_name = "FILE")]
    pub itinerant_needs: Option<PathBuf>,
    /// pins file: teachers pinned to stay, move, go to or avoid a school (default:
    /// pins.csv/.xlsx in --data, when there).
    #[arg(long, value_name = "FILE")]
    pub pins: Option<PathBuf>,
    /// wishes file: each teacher's ranked host schools, 1–5 (default: wishes.csv/.xlsx
    /// in --data, when there).
    #[arg(long, value_name = "FILE")]
    pub wishes: Option<PathBuf>,
}

/// `--previous F`: an earlier plan to stay close to.
#[derive(Args, Debug, Clone, Default)]
pub struct PreviousArgs {
    /// An earlier plan (plan.csv, plan.xlsx, or one edited by hand): after shortfall
    /// and priority the plan keeps as many of its moves as it can, and changes.csv
    /// lists every move kept, added, dropped or changed, with the reason.
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
}

impl PreviousArgs {
    /// The previous plan file, an input `--out` must stay clear of.
    pub fn inputs(&self) -> Vec<PathBuf> {
        self.previous.iter().cloned().collect()
    }

    /// Reads the previous plan into `data` (its moves steer the plan); every bad row
    /// is reported and the exit is 2.
    pub fn load_into(&self, data: &mut rotaplan_core::model::Dataset) -> Result<(), Exit> {
        let Some(path) = &self.previous else {
            return Ok(());
        };
        match input::plan_file::load_plan(path) {
            Ok(f) => {
                for n in &f.notices {
                    eprintln!("notice: {n}");
                }
                data.steering.previous = Some(
                    f.rows
                        .into_iter()
                        .map(|r| rotaplan_core::model::steering::PreviousMove {
                            row: u32::try_from(r.plan_row).unwrap_or(u32::MAX),
                            teacher: r.teacher_id,
                            to: r.to_school,
                        })
                        .collect(),
                );
                Ok(())
            }
            Err(e) => {
                eprintln!("{e}
help: --previous takes a plan.csv or plan.xlsx written by rotaplan (or one edited by hand with the same columns)
nothing was written.");
                Err(Exit::Invalid)
            }
        }
    }
}

#[derive(Args, Debug, Clone, Default)]
pub struct RuleArgs {
    /// Rule set (TOML). Without it, the Nanchang 2021–2025 defaults apply.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Override one rule value: section.key=value (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

impl DataArgs {
    pub fn sources(&self) -> DataSources {
        DataSources {
            dir: self.data.clone(),
            schools: self.schools.clone(),
            teachers: self.teachers.clone(),
            needs: self.needs.clone(),
            ledger: self.ledger.clone(),
            evaluators: self.evaluators.clone(),
            itinerant_needs: self.itinerant_needs.clone(),
            pins: self.pins.clone(),
            wishes: self.wishes.clone(),
        }
    }

    /// Every path the data comes from (the folder and each file named on its own):
    /// what `--out` must stay clear of.
    pub fn inputs(&self) -> Vec<PathBuf> {
        [
            &self.data,
            &self.schools,
            &self.teachers,
            &self.needs,
            &self.ledger,
            &self.evaluators,
            &self.itinerant_needs,
            &self.pins,
            &self.wishes,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
    }

    /// [`DataArgs::inputs`], the rules file and `more`: every input of a command.
    pub fn inputs_with(
        &self,
        rules: &RuleArgs,
        more: impl IntoIterator<Item = Option<PathBuf>>,
    ) -> Vec<PathBuf> {
        let mut v = [self.inputs(), rules.inputs()].concat();
        v.extend(more.into_iter().flatten());
        v
    }

    /// The data files read, by role (`schools`, …): a file named on its own, else
    /// `<data>/<role>.csv`, else `<data>/<role>.xlsx` (the loader's order).
    pub fn files(&self) -> Vec<(&'static str, PathBuf)> {
        let roles = [
            ("schools", &self.schools),
            ("teachers", &self.teachers),
            ("needs", &self.needs),
            ("ledger", &self.ledger),
            ("evaluators", &self.evaluators),
            ("itinerant_needs", &self.itinerant_needs),
            ("pins", &self.pins),
            ("wishes", &self.wishes),
        ];
        roles
            .into_iter()
            .filter_map(|(role, explicit)| {
                if let Some(f) = explicit {
                    return Some((role, f.clone()));
                }
                let dir = self.data.as_ref()?;
                ["csv", "xlsx"]
                    .iter()
                    .map(|ext| dir.join(format!("{role}.{ext}")))
                    .find(|p| p.is_file())
                    .map(|p| (role, p))
            })
            .collect()
    }
}

impl RuleArgs {
    /// The rules file, an input `--out` must stay clear of.
    pub fn inputs(&self) -> Vec<PathBuf> {
        self.rules.iter().cloned().collect()
    }
}

/// The fingerprint a shard run records in its `shard.json`.
pub fn fingerprint(
    data: &DataArgs,
    rules: &Rules,
    command: String,
    redactor: Option<&Redactor>,
) -> std::io::Result<Fingerprint> {
    Fingerprint::new(command, &data.files(), rules, redactor.map(Redactor::key))
}

/// The rule set, the data and a previous plan: what `plan`, `horizon` and `explain`
/// read.
#[derive(Args, Debug, Clone, Default)]
pub struct PlanInputs {
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub previous: PreviousArgs,
}

impl PlanInputs {
    /// Every input file and folder, which `--out` must stay clear of.
    pub fn paths(&self) -> Vec<PathBuf> {
        [
            self.data.inputs(),
            self.rules.inputs(),
            self.previous.inputs(),
        ]
        .concat()
    }
}

/// The rule set, the data and a plan file made by `plan` (or edited, or made
/// elsewhere): what `verify` and `schedule` read.
#[derive(Args, Debug, Clone)]
pub struct PlanFileInputs {
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub data: DataArgs,
    /// The plan: plan.csv or plan.xlsx as `plan` writes them (edited or not), or a
    /// table with at least teacher_id and to_school.
    #[arg(long, value_name = "FILE")]
    pub plan: PathBuf,
}

impl PlanFileInputs {
    /// Every input file and folder, with `more` (another file the command reads),
    /// which `--out` must stay clear of.
    pub fn paths(&self, more: Option<PathBuf>) -> Vec<PathBuf> {
        self.data
            .inputs_with(&self.rules, [Some(self.plan.clone()), more])
    }

    /// Loads the rules and the data (see [`load_all`]).
    pub fn load(&self) -> Result<(Rules, Loaded), Exit> {
        load_all(&self.rules, &self.data)
    }
}

/// `--out`, `--force` and `--redact`: the output folder of a command that plans, and
/// how it is written.
#[derive(Args, Debug, Clone)]
pub struct OutArgs {
    /// Output folder (new, empty, or an earlier output of the same command, which is
    /// replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace --out even when it holds files rotaplan did not write or another
    /// command's output.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub redact: RedactArgs,
}

impl OutArgs {
    /// What every command writing a folder does first: checks `--out` for `command`
    /// against `inputs` and the redaction key, then reads the key. On a refusal it
    /// says why and returns the exit code.
    pub fn open(
        &self,
        command: &str,
        inputs: &[PathBuf],
    ) -> Result<(OutDir, Option<Redactor>), Exit> {
        let inputs = [inputs, &self.redact.inputs()].concat();
        let out = prepare_out(&self.out, command, &inputs, self.force)?;
        Ok((out, redactor_or_exit(&self.redact)?))
    }

    /// [`OutArgs::open`] for a command that plans (`--shard`, a rule set, a data folder
    /// and a previous plan): reads `--shard`, then loads the rules and the data (the
    /// previous plan not yet).
    pub fn open_and_load(
        &self,
        command: &str,
        shard: Option<&str>,
        inputs: &PlanInputs,
    ) -> Result<Opened, Exit> {
        let shard = parse_shard(shard)?;
        let (out, redactor) = self.open(command, &inputs.paths())?;
        let (rules, loaded) = load_all(&inputs.rules, &inputs.data)?;
        Ok(Opened {
            shard,
            out,
            redactor,
            rules,
            loaded,
        })
    }
}

/// `--shard` read, the output folder checked, the redaction key read, the rules and
/// the data loaded.
pub struct Opened {
    pub shard: Option<Shard>,
    pub out: OutDir,
    pub redactor: Option<Redactor>,
    pub rules: Rules,
    pub loaded: Loaded,
}

/// `--shard I/N` read, or exit 2 saying why not.
fn parse_shard(shard: Option<&str>) -> Result<Option<Shard>, Exit> {
    shard.map(Shard::parse).transpose().map_err(|e| {
        eprintln!("error: {e}\nnothing was written.");
        Exit::Invalid
    })
}

/// Checks `--out` for `command` before any work (see [`OutDir::prepare`]); on a
/// refusal prints it and returns the exit code.
pub fn prepare_out(
    out: &Path,
    command: &str,
    inputs: &[PathBuf],
    force: bool,
) -> Result<OutDir, Exit> {
    OutDir::prepare(out, command, inputs, force).map_err(out_failed)
}

/// The redactor of `--redact`, or exit 2 after saying why the key cannot be used.
pub fn redactor_or_exit(args: &RedactArgs) -> Result<Option<Redactor>, Exit> {
    args.redactor().map_err(|e| {
        eprintln!("error: {e}\nnothing was written.");
        Exit::Invalid
    })
}

/// Prints an output-folder error; a refusal is exit 2, a failed write exit 1.
pub fn out_failed(e: OutError) -> Exit {
    eprintln!("error: {e}\nnothing was written.");
    if e.is_refusal() {
        Exit::Invalid
    } else {
        Exit::Failure
    }
}

/// Writes `staged` as the whole content of `out`, atomically; prints a failure.
pub fn write_out(out: &OutDir, staged: &Staged) -> Result<(), Exit> {
    out.commit(staged).map_err(out_failed)
}

/// Loads the rule set, or prints its errors.
pub fn load_rule_args(args: &RuleArgs) -> Result<Rules, RuleErrors> {
    match &args.rules {
        Some(path) => load_rules(path, &args.set),
        None => rotaplan_core::rules::parse_rules("", "defaults", &args.set),
    }
}

/// Loads rules and data, printing notices to stderr. On failure prints every problem
/// found in both and returns `Exit::Invalid`.
pub fn load_all(rules: &RuleArgs, data: &DataArgs) -> Result<(Rules, Loaded), Exit> {
    let r = load_rule_args(rules);
    let d = input::load(&data.sources());
    let mut failed = false;
    if let Err(e) = &r {
        eprintln!("{e}");
        failed = true;
    }
    match &d {
        Err(e) => {
            eprintln!("{e}");
            failed = true;
        }
        Ok(l) => {
            for n in &l.notices {
                eprintln!("notice: {n}");
            }
        }
    }
    match (r, d) {
        (Ok(r), Ok(mut d)) if !failed => {
            d.data.group_by_district();
            Ok((r, d))
        }
        _ => {
            eprintln!("nothing was written.");
            Err(Exit::Invalid)
        }
    }
}

/// Largest `--time-limit` accepted: a week. The limit is per component; a longer one
/// is a typo (or `inf`), not a plan.
const MAX_SECONDS: f64 = 7.0 * 24.0 * 3600.0;

/// Plan years a flag may name: the same range as the years in the data files.
pub const FLAG_YEARS: (i32, i32) = (1900, 2100);

/// `--time-limit SECONDS`: a finite number of seconds above 0 and at most a week.
pub fn parse_seconds(s: &str) -> Result<f64, FlagError> {
    let value = s.to_string();
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= MAX_SECONDS => Ok(v),
        Ok(v) if v.is_nan() => Err(FlagError::NotSeconds { value }),
        Ok(_) => Err(FlagError::SecondsOutOfRange { value }),
        Err(_) => Err(FlagError::NotSeconds { value }),
    }
}

/// `--year Y` and the like: a whole year between 1900 and 2100.
pub fn parse_year(s: &str) -> Result<i32, FlagError> {
    let (lo, hi) = FLAG_YEARS;
    let value = s.to_string();
    match s.trim().parse::<i64>() {
        // INVARIANT: a year between 1900 and 2100 fits an i32.
        Ok(y) if (i64::from(lo)..=i64::from(hi)).contains(&y) => {
            i32::try_from(y).map_err(|_| FlagError::YearOutOfRange { value })
        }
        Ok(_) => Err(FlagError::YearOutOfRange { value }),
        Err(_) => Err(FlagError::NotAYear { value }),
    }
}

/// A plan year given on the command line must be inside the rules' plan period
/// (`[plan] first_year..=last_year`), unless `--any-year` says it is meant.
pub fn check_period(rules: &Rules, year: i32, any_year: bool) -> Result<(), OutsidePeriod> {
    let (first, last) = (rules.plan.first_year, rules.plan.last_year);
    if any_year || (first..=last).contains(&year) {
        return Ok(());
    }
    Err(OutsidePeriod {
        year,
        rule_set: rules.source.to_string(),
        first,
        last,
    })
}

/// `--method`'s parser: the names of [`rotaplan_core::plan::Method`], listed in `--help`.
pub fn method_parser() -> impl clap::builder::TypedValueParser<Value = rotaplan_core::plan::Method>
{
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(rotaplan_core::plan::Method::NAMES)
        .try_map(|s| s.parse::<rotaplan_core::plan::Method>())
}

/// `--redact` and its key, shared by the commands that take them.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct RedactArgs {
    /// Write outputs without names, with teacher and evaluator ids replaced by keyed
    /// pseudonyms (needs --redact-key-file).
    #[arg(long, requires = "redact_key_file")]
    pub redact: bool,
    /// Secret key for --redact pseudonyms (at least 16 bytes); the same key gives the
    /// same pseudonyms.
    #[arg(long, value_name = "FILE", requires = "redact")]
    pub redact_key_file: Option<PathBuf>,
}

impl RedactArgs {
    /// The redactor, when `--redact` is on.
    pub fn redactor(&self) -> Result<Option<Redactor>, RedactError> {
        match (&self.redact_key_file, self.redact) {
            (Some(f), true) => Redactor::from_key_file(f).map(Some),
            _ => Ok(None),
        }
    }

    /// The key file, an input the output folder must not overwrite.
    pub fn inputs(&self) -> Vec<PathBuf> {
        self.redact_key_file.iter().cloned().collect()
    }
}

/// `--lang`'s parser: `zh` or `en`, listed in `--help`.
pub fn lang_parser() -> impl clap::builder::TypedValueParser<Value = rotaplan_io::report::Lang> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(rotaplan_io::report::Lang::NAMES)
        .try_map(|s| s.parse::<rotaplan_io::report::Lang>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_and_years() {
        assert_eq!(parse_seconds("120"), Ok(120.0));
        assert_eq!(parse_seconds("0.5"), Ok(0.5));
        for bad in ["nan", "NaN", "-1", "0", "inf", "-inf", "1e9", "", "abc"] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_year("2021"), Ok(2021));
        for bad in [
            "-2021",
            "0",
            "2101",
            "20x1",
            "2021.5",
            "99999999999999999999",
        ] {
            assert!(parse_year(bad).is_err(), "{bad}");
        }
    }
}
