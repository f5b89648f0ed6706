//! `rotaplan horizon --shard I/N`: one shard's districts over the whole period, each
//! year's plan files with their `Y/shard.json`, and the top `shard.json` holding the
//! year rows and the probe horizons `merge` replays the target search on.

use super::common::{fingerprint, write_out};
use super::horizon::{fail, stage_year, HorizonArgs};
use super::Exit;
use crate::error::FlagError;
use rotaplan_core::horizon::{self, default_points_per_round, grid_index, HorizonOptions, Period};
use rotaplan_core::model::Dataset;
use rotaplan_core::plan::PlanOptions;
use rotaplan_core::rules::{Rules, Share};
use rotaplan_io::output::redact::Redactor;
use rotaplan_io::output::{OutDir, RenderError, Staged};
use rotaplan_io::report::district_years::DistrictYears;
use rotaplan_io::report::Lang;
use rotaplan_io::shard::horizon::{probe_points, run_probes, run_takes, uncount};
use rotaplan_io::shard::{
    lang_name, HorizonShard, Shard, ShardManifest, ShardReport, TakesShard, MANIFEST,
};

fn json<T: serde::Serialize>(v: &T) -> Result<Vec<u8>, RenderError> {
    let mut b = serde_json::to_vec_pretty(v)?;
    b.push(b'\n');
    Ok(b)
}

/// `--probe-shares` as grid points; each must be a multiple of 0.005 in (0, 1].
fn parse_probe_shares(list: &[String]) -> Result<Vec<u32>, FlagError> {
    list.iter()
        .map(|s| {
            Share::parse(s)
                .and_then(grid_index)
                .ok_or_else(|| FlagError::ProbeShare { value: s.clone() })
        })
        .collect()
}

/// Where a horizon shard writes, and how.
pub struct Target<'a> {
    pub out: &'a OutDir,
    pub redactor: Option<&'a Redactor>,
}

pub fn run(
    a: &HorizonArgs,
    shard: Shard,
    rules: &Rules,
    mut data: Dataset,
    target: &Target<'_>,
    quiet: bool,
) -> Exit {
    if let Err(e) = Shard::check_rules(rules) {
        eprintln!("{}: {e}\nnothing was written.", rules.source);
        return Exit::Invalid;
    }
    let command = format!("horizon {}-{}", rules.plan.first_year, rules.plan.last_year);
    let fp = match fingerprint(&a.inputs.data, rules, command, target.redactor) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}\nnothing was written.");
            return Exit::Failure;
        }
    };
    let extra = match parse_probe_shares(&a.probe_shares) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {e}\nnothing was written.");
            return Exit::Invalid;
        }
    };
    let cut = shard.filter(&mut data);
    // A `to` pin naming another shard's school cannot hold in any year it is in force.
    let mut refused: Vec<_> = (rules.plan.first_year..=rules.plan.last_year)
        .flat_map(|y| cut.pin_refusals(y))
        .collect();
    refused.sort_by_key(|r| r.row);
    refused.dedup_by_key(|r| r.row);
    if !refused.is_empty() {
        eprintln!(
            "error: {}\nnothing was written.",
            rotaplan_core::plan::PlanError::Pins(refused)
        );
        return Exit::Invalid;
    }
    let opts = HorizonOptions {
        plan: PlanOptions {
            time_limit: a.time_limit,
            ..PlanOptions::default()
        },
        stop_when_met: false,
    };
    let mut staged = Staged::default();
    let years = rules.plan.first_year..=rules.plan.last_year;
    let mut districts = DistrictYears::default();
    let mut more_posts = horizon::MorePostsTally::default();
    let base = horizon::run(&data, rules, years, &opts, |v| {
        districts.add_except(v, rules, &cut.foreign);
        more_posts.add(v, rules);
        let y = stage_year(&mut staged, v, rules, target.redactor)?;
        let prefix = format!("{}/", v.row.year);
        let m = ShardManifest {
            shard,
            fingerprint: Some(fp.clone()),
            districts: cut.districts.clone(),
            report: Some(
                ShardReport::new(v.roster, rules, v.plan, &y.rows, &y.reasons, Lang::Zh)
                    .with_itinerant(y.shown(v), rules, y.itinerant.as_ref()),
            ),
            horizon: None,
        };
        staged.add(format!("{prefix}{MANIFEST}"), json(&m)?);
        Ok(())
    });
    let mut base = match base {
        Ok(b) => b.rows,
        Err(e) => return fail(e, &rules.source),
    };
    uncount(&cut.foreign, rules, &mut base);
    let k = default_points_per_round();
    let points = probe_points(rules, k, &extra);
    let (probes, takes) = rayon::join(
        || run_probes(&data, rules, &cut.foreign, &opts, &points),
        || run_takes(&data, rules, &cut.foreign, &opts),
    );
    let probes = match probes {
        Ok(p) => p,
        Err(e) => return fail(e, &rules.source),
    };
    let (terms, distances) = match takes {
        Ok(t) => t,
        Err(e) => return fail(e, &rules.source),
    };
    let manifest = ShardManifest {
        shard,
        fingerprint: Some(fp),
        districts: cut.districts,
        report: None,
        horizon: Some(HorizonShard {
            period: Period::of(rules),
            probes_per_round: k,
            base,
            probes,
            districts: districts.rows(),
            lang: lang_name(a.lang),
            takes: Some(TakesShard {
                term_years: rules.term.years,
                max_distance_km: rules.flow.max_distance_km,
                more_posts,
                terms,
                distances,
            }),
        }),
    };
    match json(&manifest) {
        Ok(b) => staged.add(MANIFEST, b),
        Err(e) => {
            eprintln!("error: {e}\nnothing was written.");
            return Exit::Failure;
        }
    }
    if let Err(e) = write_out(target.out, &staged) {
        return e;
    }
    if !quiet {
        let shares: Vec<String> = points
            .iter()
            .map(|&i| horizon::grid_share(i).to_string())
            .collect();
        println!(
            "shard {}/{}: {} districts, {}–{}, probe horizons at shares {}",
            shard.index,
            shard.count,
            manifest.districts.len(),
            rules.plan.first_year,
            rules.plan.last_year,
            if shares.is_empty() {
                "none".to_string()
            } else {
                shares.join(", ")
            }
        );
        println!(
            "wrote {} (combine the shards with `rotaplan merge`)",
            a.output.out.display()
        );
    }
    Exit::Done
}
