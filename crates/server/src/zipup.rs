//! A data folder uploaded as one `.zip`: its entries are read into memory and mapped
//! to the dataset's file kinds by their names (`schools.csv`, `学校.xlsx`, …, at the
//! top of the archive or in one folder). No name from the archive ever becomes a path
//! (the files are stored and later written under their fixed names, as any upload);
//! an entry of unknown kind, a kind given twice, or an entry nested deeper than one
//! folder is a 422 error row; the uncompressed total counts against the same limit as
//! an upload (a zip bomb is 413, found while inflating, whatever the archive claims).

use super::api::{sniff, ApiError, FieldError, ROLES};
use super::db::NewFile;
use std::io::{Cursor, Read};

/// File names (without extension) accepted for each kind besides the kind itself, in
/// Chinese as HR offices name their workbooks.
pub const ZIP_ALIASES: [(&str, &[&str]); 8] = [
    ("schools", &["学校", "学校名单"]),
    ("teachers", &["教师", "教师名册", "名册"]),
    ("needs", &["岗位需求", "需求"]),
    ("ledger", &["交流台账", "台账"]),
    ("evaluators", &["评审专家", "专家"]),
    ("pins", &["锁定", "锁定排除"]),
    ("wishes", &["志愿"]),
    ("itinerant_needs", &["走教需求"]),
];

/// The extensions a data file may have inside the archive.
const EXTENSIONS: [&str; 2] = ["csv", "xlsx"];

/// Whether `bytes` is a zip archive that is not itself a workbook (an `.xlsx` is a
/// zip too: it has `[Content_Types].xml`).
pub fn is_data_zip(bytes: &[u8]) -> bool {
    if !bytes.starts_with(b"PK\x03\x04") && !bytes.starts_with(b"PK\x05\x06") {
        return false;
    }
    match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => a.index_for_name("[Content_Types].xml").is_none(),
        Err(_) => false,
    }
}

/// Chinese characters and punctuation (full-width forms included).
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}')
}

/// Whether a name reads as the file names of a data folder do: ASCII and Chinese.
fn plausible(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii() || is_cjk(c))
}

/// An entry's name as the archive holds it: UTF-8, or GB18030 (what Windows' "send to
/// compressed folder" writes on a Chinese system, without the archive saying so). GBK
/// bytes can happen to be valid UTF-8 (学校 reads as Cyrillic): UTF-8 is taken when it
/// reads as ASCII and Chinese, else GB18030 when that does.
fn entry_name(raw: &[u8]) -> String {
    let (gb, _, bad) = encoding_rs::GB18030.decode(raw);
    match std::str::from_utf8(raw) {
        Ok(s) if plausible(s) || bad || !plausible(&gb) => s.to_string(),
        _ => gb.into_owned(),
    }
}

/// The kind of a data file named `file` (`schools`, …), if it is one.
pub fn kind_of(file: &str) -> Option<&'static str> {
    let (stem, ext) = file.rsplit_once('.')?;
    if !EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext)) {
        return None;
    }
    let stem = stem.trim();
    ZIP_ALIASES
        .iter()
        .find(|(role, aliases)| role.eq_ignore_ascii_case(stem) || aliases.contains(&stem))
        .map(|(role, _)| *role)
}

/// Entries that are not data and are passed over: folders, and what archivers and
/// desktops add (`__MACOSX/`, `.DS_Store`, `Thumbs.db`, Office's `~$` lock files).
fn is_clutter(name: &str) -> bool {
    let last = name.rsplit('/').next().unwrap_or(name);
    name.ends_with('/')
        || name.starts_with("__MACOSX/")
        || last.starts_with('.')
        || last.starts_with("~$")
        || last.eq_ignore_ascii_case("thumbs.db")
        || last.eq_ignore_ascii_case("desktop.ini")
}

/// What a zip holds: its data files, and a row for each entry refused.
pub struct Unpacked {
    pub files: Vec<NewFile>,
    pub errors: Vec<FieldError>,
}

/// Reads the data files of a zip uploaded as `upload_name`. `budget` is what is left of
/// the upload limit: the uncompressed total may not exceed it (413). An archive that
/// cannot be read at all is 422.
pub fn unpack(bytes: &[u8], upload_name: &str, budget: usize) -> Result<Unpacked, ApiError> {
    let shown = if upload_name.is_empty() {
        "data.zip".to_string()
    } else {
        upload_name.to_string()
    };
    let general =
        |m: String, zh: String| ApiError::Invalid(vec![FieldError::general(&shown, m).with_zh(zh)]);
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        general(
            format!(
                "cannot read the zip archive ({e}): make it again with your system's \
                 \"compress\" command"
            ),
            format!("无法读取这个 zip 压缩包（{e}）：请用系统自带的“压缩”功能重新压缩"),
        )
    })?;
    // Every problem is reported together, as for the files of a folder.
    let mut errors = Vec::new();
    let mut files: Vec<NewFile> = Vec::new();
    let mut total = 0usize;
    let names = ROLES.join(", ");
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| {
            general(
                format!(
                    "cannot read entry {} of the zip ({e}): save it with ordinary (deflate) \
                     compression and without a password",
                    i + 1
                ),
                format!(
                    "无法读取压缩包中的第 {} 个文件（{e}）：请用普通（deflate）方式压缩，不要加密码",
                    i + 1
                ),
            )
        })?;
        let name = entry_name(entry.name_raw()).replace('\\', "/");
        if entry.is_dir() || is_clutter(&name) {
            continue;
        }
        let err = |message: String, zh: String| FieldError {
            file: shown.clone(),
            row: None,
            column: None,
            value: Some(name.clone()),
            message,
            zh: Some(zh),
        };
        let parts: Vec<&str> = name.split('/').filter(|p| !p.is_empty()).collect();
        if name.starts_with('/') || parts.iter().any(|p| *p == ".." || p.contains(':')) {
            errors.push(err(
                "a path out of the archive's folder (.., / or a drive): refused; zip the \
                 data folder itself"
                    .into(),
                "路径指向压缩包以外（..、/ 或盘符）：拒绝接收；请直接压缩数据文件夹本身".into(),
            ));
            continue;
        }
        let file = match parts.as_slice() {
            [f] | [_, f] => *f,
            _ => {
                errors.push(err(
                    "the data files must be at the top of the zip or in one folder, not \
                     deeper: zip the data folder itself"
                        .into(),
                    "数据文件必须在压缩包的第一层或一个文件夹里，不能更深：请直接压缩数据文件夹本身"
                        .into(),
                ));
                continue;
            }
        };
        let Some(role) = kind_of(file) else {
            errors.push(err(format!(
                "not a data file this workspace reads: name each file after its kind ({names}, \
                 or 学校, 教师, 岗位需求, 交流台账, 评审专家, 锁定, 志愿, 走教需求) with .csv or \
                 .xlsx, or take it out of the zip"
            ), "不是本工作台读取的数据文件：请按类别命名（学校、教师、岗位需求、交流台账、评审专家、\
                锁定、志愿、走教需求，或英文 schools、teachers 等），后缀 .csv 或 .xlsx；\
                或把它从压缩包中移除".to_string()));
            continue;
        };
        if let Some(first) = files.iter().find(|f| f.role == role) {
            errors.push(err(
                format!(
                    "a second {role} file (the first is {}): keep one of them in the zip",
                    first.upload_name
                ),
                format!(
                    "第二个 {role} 文件（第一个是 {}）：压缩包里每类只留一个",
                    first.upload_name
                ),
            ));
            continue;
        }
        // Inflate at most what the budget allows, whatever the entry claims its size is.
        let left = budget.saturating_sub(total);
        let mut data = Vec::new();
        (&mut entry)
            .take(u64::try_from(left).unwrap_or(u64::MAX).saturating_add(1))
            .read_to_end(&mut data)
            .map_err(|e| {
                general(
                    format!(
                        "cannot unpack {name} ({e}): save the zip with ordinary (deflate) \
                         compression and without a password"
                    ),
                    format!("无法解压 {name}（{e}）：请用普通（deflate）方式压缩，不要加密码"),
                )
            })?;
        total = total.saturating_add(data.len());
        if total > budget {
            return Err(ApiError::TooLarge);
        }
        if data.is_empty() {
            errors.push(err("the file is empty".into(), "文件是空的".into()));
            continue;
        }
        files.push(NewFile {
            role: role.to_string(),
            ext: sniff(&data),
            upload_name: name.chars().take(200).collect(),
            bytes: data,
        });
    }
    if files.is_empty() && errors.is_empty() {
        errors.push(
            FieldError::general(
                &shown,
                "the zip holds no data file: put schools, teachers and needs (csv or xlsx) in it",
            )
            .with_zh("压缩包里没有数据文件：请放入学校、教师、岗位需求三个文件（csv 或 xlsx）"),
        );
    }
    Ok(Unpacked { files, errors })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    fn archive(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            if name.ends_with('/') {
                w.add_directory(*name, SimpleFileOptions::default())
                    .unwrap();
            } else {
                w.start_file(*name, SimpleFileOptions::default()).unwrap();
                w.write_all(bytes).unwrap();
            }
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn maps_names_to_kinds() {
        assert_eq!(kind_of("schools.csv"), Some("schools"));
        assert_eq!(kind_of("Teachers.XLSX"), Some("teachers"));
        assert_eq!(kind_of("学校.xlsx"), Some("schools"));
        assert_eq!(kind_of("教师名册.csv"), Some("teachers"));
        assert_eq!(kind_of("schools.txt"), None);
        assert_eq!(kind_of("readme.csv"), None);
        for (role, _) in ZIP_ALIASES {
            assert!(ROLES.contains(&role), "{role}");
        }
        assert_eq!(ZIP_ALIASES.len(), ROLES.len());
    }

    #[test]
    fn reads_a_folder_one_deep_and_skips_clutter() {
        let z = archive(&[
            ("data/", b""),
            ("data/学校.csv", b"school_id\n"),
            ("data/teachers.csv", b"teacher_id\n"),
            ("__MACOSX/data/._学校.csv", b"junk"),
            ("data/.DS_Store", b"junk"),
        ]);
        assert!(is_data_zip(&z));
        let files = unpack(&z, "up.zip", 1 << 20).unwrap().files;
        let roles: Vec<&str> = files.iter().map(|f| f.role.as_str()).collect();
        assert_eq!(roles, ["schools", "teachers"]);
        assert_eq!(files[0].upload_name, "data/学校.csv");
        assert_eq!(files[0].ext, "csv");
    }

    #[test]
    fn refuses_unknown_duplicate_and_deep_entries_together() {
        let z = archive(&[
            ("schools.csv", b"a\n"),
            ("学校.xlsx", b"b\n"),
            ("../../etc/passwd", b"x"),
            ("a/b/needs.csv", b"x"),
            ("notes.docx", b"x"),
        ]);
        let u = unpack(&z, "up.zip", 1 << 20).unwrap();
        let errors = u.errors;
        assert_eq!(u.files.len(), 1);
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(
            errors[1].message.contains("out of the archive"),
            "{errors:?}"
        );
        assert!(errors.iter().all(|e| e.file == "up.zip"));
        assert!(errors[0].message.contains("second schools"));
    }

    #[test]
    fn a_bomb_is_too_large_whatever_it_claims() {
        let big = vec![b'a'; 200_000];
        let z = archive(&[("teachers.csv", &big)]);
        assert!(z.len() < 10_000);
        assert!(matches!(
            unpack(&z, "bomb.zip", 100_000),
            Err(ApiError::TooLarge)
        ));
        assert!(unpack(&z, "ok.zip", 200_000).is_ok());
    }

    #[test]
    fn a_workbook_is_not_a_data_zip() {
        let z = archive(&[
            ("[Content_Types].xml", b"<x/>"),
            ("xl/workbook.xml", b"<x/>"),
        ]);
        assert!(!is_data_zip(&z));
        assert!(!is_data_zip(b"teacher_id\n"));
    }

    #[test]
    fn gbk_names_are_read() {
        for name in ["学校.csv", "教师名册.xlsx", "岗位需求.csv"] {
            let (gbk, _, _) = encoding_rs::GBK.encode(name);
            assert_eq!(entry_name(&gbk), name);
            assert_eq!(entry_name(name.as_bytes()), name);
        }
    }
}
