//! A plan made elsewhere: `plan.csv` or `plan.xlsx` as rotaplan writes them, the same
//! edited by hand in Excel or WPS, or a table typed from scratch. Read by
//! `verify --plan F` and by `--previous F`.
//!
//! The file is read like every data file (CSV in UTF-8, GBK/GB18030 or UTF-16; a
//! workbook from its plan sheet `交流名单` when it has one, else its first visible
//! sheet), with English headers, the Chinese headers `plan.xlsx` writes, or the Chinese
//! aliases of the data files, in any order.
//!
//! **What is malformed, and what is a violation.** The reader knows nothing of the data
//! folder: a row is malformed only when it cannot be read as a move at all (a required
//! cell empty, a year that is not a year, a form that is not a form, a term that ends
//! before it starts). A teacher or school that is not in the data, a teacher listed
//! twice, or a wrong sending school are well-formed rows of a wrong plan: the checker
//! reports them as violations of the plan (rules `unknown_teacher`, `unknown_school`,
//! `moved_twice`, `wrong_from_school`), next to every other broken rule, rather than
//! refusing the file. (A previous plan naming a teacher who has since retired is normal,
//! and must not stop a re-plan either.)
//!
//! **Row numbers.** `plan_row` is the row a spreadsheet program shows for the row: the
//! header is row 1, the first data row row 2 (blank rows and title rows above the header
//! count, as in every message about a data file).

use super::columns::PLAN;
use super::rows::{drive, Rows};
use super::{collect, read_sheet, Found, InputError, InputErrors};
use crate::model::{Form, SchoolId, Subject, TeacherId};

use std::path::Path;

const TEACHER: usize = 0;
const TO: usize = 1;
const FROM: usize = 2;
const SUBJECT: usize = 3;
const FORM: usize = 4;
const START: usize = 5;
const END: usize = 6;

pub use crate::model::PlanRow;

/// A plan file as read: its moves in file order, the file as named in messages (with
/// the sheet read, for a workbook), and remarks (ignored columns and the like).
#[derive(Debug, Clone)]
pub struct PlanFile {
    pub file: String,
    pub rows: Vec<PlanRow>,
    pub notices: Vec<String>,
}

/// Reads a plan file. Every malformed row and cell is reported (file, sheet, row,
/// column, value, what to write instead); unknown ids are not checked here (see the
/// module documentation).
pub fn load_plan(path: &Path) -> Result<PlanFile, InputErrors> {
    let (plan, errors) = read_plan(path);
    if errors.is_empty() {
        Ok(plan)
    } else {
        Err(InputErrors(errors))
    }
}

/// Reads a plan file: its well-formed rows, and the problems of the others. For a
/// caller that checks the rows against the data and reports everything together.
pub fn read_plan(path: &Path) -> (PlanFile, Vec<InputError>) {
    let found = Found::File(path.to_path_buf());
    let (report, rows) = read_sheet(&found, Some(crate::output::PLAN_SHEET), parse);
    let file = report.file.clone();
    let mut notices = Vec::new();
    let errors = collect([report], &mut notices);
    let plan = PlanFile {
        file,
        rows: rows.items,
        notices,
    };
    (plan, errors)
}

fn parse(table: &mut super::table::Table, report: &mut super::rows::FileReport) -> Rows<PlanRow> {
    let mut out = Rows::default();
    let map = drive(table, &PLAN, report, |r| {
        let teacher = r.text(TEACHER);
        let to = r.text(TO);
        let from = match r.cell(FROM) {
            Some(_) => r.text(FROM).map(Some).ok_or(()),
            None => Ok(None),
        };
        let subject = r.cell(SUBJECT).map(Subject::normalise);
        let form = match r.cell(FORM) {
            Some(_) => r.vocab::<Form>(FORM).map(Some).ok_or(()),
            None => Ok(None),
        };
        let start = r.opt_year(START);
        let end = r.opt_year(END);
        let term_ok = r.term_in_order((START, start.ok().flatten()), (END, end.ok().flatten()));
        match (teacher, to, from, form, start, end, term_ok) {
            (Some(t), Some(to), Ok(from), Ok(form), Ok(start_year), Ok(end_year), true) => out
                .accept(
                    PlanRow {
                        plan_row: r.row,
                        teacher_id: TeacherId::from(t),
                        to_school: SchoolId::from(to),
                        from_school: from.map(SchoolId::from),
                        subject,
                        form,
                        start_year,
                        end_year,
                    },
                    r.row,
                ),
            _ => out.reject(None, r.row),
        }
    });
    out.map = map;
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(name: &str, bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
        (dir, p)
    }

    #[test]
    fn reads_rotaplans_own_columns_and_chinese_headers() {
        let text = "teacher_id,name,subject,backbone,from_school,from_district,to_school,\
                    to_district,form,start_year,end_year,distance_km\n\
                    T1,王芳,math,none,S1,D,S2,D,transfer,2021,2023,3.20\n\n\
                    T2,李强,,none,,D,S3,D,,,,\n";
        let (_d, p) = write("plan.csv", text.as_bytes());
        let f = load_plan(&p).unwrap();
        assert!(f.notices.is_empty(), "{:?}", f.notices);
        assert_eq!(f.rows.len(), 2);
        assert_eq!(f.rows[0].plan_row, 2);
        assert_eq!(f.rows[0].subject, Some(Subject::new("math")));
        assert_eq!(f.rows[0].form, Some(Form::Transfer));
        assert_eq!(
            (f.rows[0].start_year, f.rows[0].end_year),
            (Some(2021), Some(2023))
        );
        // A blank row counts; empty optional cells are None.
        let r = &f.rows[1];
        assert_eq!(r.plan_row, 4);
        assert_eq!(
            (r.from_school.clone(), r.subject.clone(), r.form),
            (None, None, None)
        );
        // GBK, Chinese aliases, the workbook's headers (教师编号, 交流形式).
        let zh = "教师编号,接收学校,派出学校,学科,交流形式,开始年份\nT1,S2,S1,数学,交流,2021\n";
        let gbk = encoding_rs::GBK.encode(zh).0.into_owned();
        let (_d, p) = write("plan.csv", &gbk);
        let f = load_plan(&p).unwrap();
        assert_eq!(f.rows[0].subject, Some(Subject::new("math")));
        assert_eq!(f.rows[0].to_school.as_str(), "S2");
    }

    #[test]
    fn every_malformed_cell_is_reported() {
        let text = "工号,接收学校,形式,开始年份,结束年份\n\
                    ,S2,transfer,2021,2023\n\
                    T2,S2,transfr,20x1,2023\n\
                    T3,S2,transfer,2023,2021\n";
        let (_d, p) = write("plan.csv", text.as_bytes());
        let e = load_plan(&p).unwrap_err();
        let rows: Vec<_> = e.0.iter().map(|x| (x.row, x.column.clone())).collect();
        assert_eq!(rows.len(), 4, "{e}");
        assert_eq!(rows[0].0, Some(2));
        assert_eq!(rows[1].0, Some(3));
        assert_eq!(rows[3].0, Some(4));
        let msg = e.to_string();
        assert!(msg.contains("did you mean transfer"), "{msg}");
        // A missing required column.
        let (_d, p) = write("plan.csv", b"teacher_id,from_school\nT1,S1\n");
        let msg = load_plan(&p).unwrap_err().to_string();
        assert!(
            msg.contains("missing required column to_school (接收学校)"),
            "{msg}"
        );
    }
}
