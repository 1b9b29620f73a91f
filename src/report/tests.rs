//! Tests of report rendering: the sample report in both languages, its charts,
//! workbook, CSV and text part, escaping, and refusals of malformed input.

use std::collections::BTreeSet;
use std::io::Cursor;

use chrono::NaiveDate;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

use super::*;

fn render_in(language: Language) -> (ReportData, RenderedReport) {
    let data = ReportData {
        language,
        ..ReportData::sample()
    };
    let out = render(&data).expect("the sample renders");
    (data, out)
}

/// Every `cid:` reference of an HTML body.
fn cids(html: &str) -> BTreeSet<String> {
    html.split("src=\"cid:")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap_or("").to_string())
        .collect()
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&png[12..16], b"IHDR");
    let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

fn attachment<'a>(out: &'a RenderedReport, ext: &str) -> &'a Attachment {
    out.attachments
        .iter()
        .find(|a| a.filename.ends_with(ext))
        .unwrap_or_else(|| panic!("no {ext} attachment"))
}

fn sheet(xlsx: &[u8], name: &str) -> calamine::Range<Data> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx.to_vec())).expect("xlsx opens");
    book.worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}; have {:?}", book.sheet_names()))
}

/// The row of a sheet whose first cell is `key`.
fn row_of<'a>(range: &'a calamine::Range<Data>, key: &str) -> &'a [Data] {
    range
        .rows()
        .find(|r| r.first().is_some_and(|c| *c == key))
        .unwrap_or_else(|| panic!("no row {key}"))
}

#[test]
fn vietnamese_report_holds_the_figures_and_letters() {
    let (_, out) = render_in(Language::Vi);
    assert_eq!(
        out.subject,
        "Báo cáo tháng 11/2026 – Xây dựng Công an cấp xã (Tỉnh Quảng Ngãi)"
    );
    for needle in [
        "57/173 (32,9%)",
        "6,61 (1.144/173)",
        "60/173 (34,7%)",
        "Quảng Ngãi",
        "Trưởng Công an",
        "Huyện Sơn Hà",
        "+1,1 điểm %",
        "Gần đạt",
        "Chậm tiến độ",
        "31/12/2025",
        "30/11/2026",
        "Bao-cao-thang-11-2026.xlsx",
    ] {
        assert!(out.html.contains(needle), "HTML lacks {needle}");
    }
    assert!(out.html.starts_with("<!DOCTYPE html>"));
    assert!(
        out.html.len() < 100_000,
        "under the 102 kB where Gmail clips a message"
    );
    assert!(out.html.contains("<html lang=\"vi\">"));
    assert!(
        !out.html.contains("6.61"),
        "no English decimals in Vietnamese"
    );
}

#[test]
fn english_report_uses_english_formats() {
    let (_, out) = render_in(Language::En);
    assert_eq!(
        out.subject,
        "Report for November 2026 – Building commune-level police (Tỉnh Quảng Ngãi)"
    );
    for needle in [
        "57/173 (32.9%)",
        "6.61 (1,144/173)",
        "31 Dec 2025",
        "Behind schedule",
        "Huyện Sơn Hà",
    ] {
        assert!(out.html.contains(needle), "HTML lacks {needle}");
    }
    assert!(out.text.contains("6.61"));
    assert!(!out.html.contains("6,61"));
    assert_eq!(out.attachments[0].filename, "Report-2026-11.xlsx");
    assert_eq!(out.attachments[1].filename, "Report-2026-11-indicators.csv");
}

#[test]
fn every_cid_has_its_image_and_back() {
    for lang in [Language::Vi, Language::En] {
        let (_, out) = render_in(lang);
        let referenced = cids(&out.html);
        let images: BTreeSet<String> = out.inline_images.iter().map(|i| i.cid.clone()).collect();
        assert_eq!(referenced, images);
        assert_eq!(images.len(), out.inline_images.len(), "cids are unique");
        assert_eq!(images.len(), 3, "bars by district and two series");
    }
}

#[test]
fn charts_are_pngs_of_plausible_size() {
    let (_, out) = render_in(Language::Vi);
    for image in &out.inline_images {
        let (w, h) = png_size(&image.png);
        assert!((400..=2000).contains(&w), "{} width {w}", image.cid);
        assert!((200..=2000).contains(&h), "{} height {h}", image.cid);
        assert!(image.png.len() > 2000, "{} has content", image.cid);
        let decoder = png::Decoder::new(Cursor::new(&image.png));
        let mut reader = decoder.read_info().expect("png decodes");
        let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
        let frame = reader.next_frame(&mut buf).expect("frame");
        let pixels = &buf[..frame.buffer_size()];
        let dark = pixels
            .chunks(3)
            .filter(|p| p.iter().all(|c| *c < 100))
            .count();
        assert!(
            dark > 500,
            "{} has text and lines drawn ({dark} dark pixels)",
            image.cid
        );
    }
    let bars = out
        .inline_images
        .iter()
        .find(|i| i.cid.starts_with("hq-by-district"))
        .unwrap();
    assert_eq!(png_size(&bars.png), (760, 90 + 26 * 12));
}

#[test]
fn workbook_holds_numbers_as_numbers() {
    let (_, out) = render_in(Language::Vi);
    let xlsx = attachment(&out, ".xlsx");
    assert_eq!(xlsx.content_type, XLSX_CONTENT_TYPE);
    assert_eq!(xlsx.filename, "Bao-cao-thang-11-2026.xlsx");
    let indicators = sheet(&xlsx.bytes, "Chỉ tiêu");
    let standing = row_of(&indicators, "party_standing_committee_rate");
    assert_eq!(standing[3], Data::Float(57.0));
    assert_eq!(standing[4], Data::Float(173.0));
    assert!(matches!(standing[5], Data::Float(v) if (v - 0.329).abs() < 1e-9));
    assert_eq!(
        standing[1].to_string(),
        "Tỷ lệ Trưởng Công an cấp xã tham gia Ban Thường vụ Đảng ủy"
    );
    let staffing = row_of(&indicators, "staffing_ratio");
    assert_eq!(staffing[3], Data::Float(1144.0));
    assert!(matches!(staffing[5], Data::Float(v) if (v - 6.61).abs() < 1e-9));
    assert_eq!(
        row_of(&indicators, "directives_issued")[5],
        Data::Float(16.0)
    );
    let districts = sheet(&xlsx.bytes, "Theo địa bàn");
    assert_eq!(districts.height(), 13, "header and 12 districts");
    let son_ha = row_of(&districts, "529");
    assert_eq!(son_ha[1].to_string(), "Huyện Sơn Hà");
    assert!(
        son_ha.contains(&Data::Float(14.0)),
        "unit count as a number"
    );
    let trajectory = sheet(&xlsx.bytes, "Lộ trình trụ sở");
    assert_eq!(row_of(&trajectory, "Tổng số đơn vị")[1], Data::Float(173.0));
    assert_eq!(
        row_of(&trajectory, "Đã có trụ sở theo mô hình mới")[1],
        Data::Float(60.0)
    );
    let gaps = sheet(&xlsx.bytes, "Chưa vào BTV");
    assert_eq!(gaps.height(), 1 + 116, "173 - 57 units");
    assert_eq!(sheet(&xlsx.bytes, "Chưa có trụ sở mới").height(), 1 + 113);
    assert_eq!(sheet(&xlsx.bytes, "Chưa vào BCH").height(), 1);
}

#[test]
fn workbook_has_a_sheet_per_section_and_dates_as_dates() {
    let (_, out) = render_in(Language::Vi);
    let raw = &attachment(&out, ".xlsx").bytes;
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(raw.to_vec())).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "Chỉ tiêu",
            "Theo địa bàn",
            "Lộ trình trụ sở",
            "Diễn biến",
            "Chưa vào BCH",
            "Chưa vào BTV",
            "Chưa có trụ sở mới",
            "Thông tin"
        ]
    );
    let series = book.worksheet_range("Diễn biến").unwrap();
    assert_eq!(series.height(), 25, "header and 24 months");
    assert!(
        matches!(series.get((1, 0)), Some(Data::DateTime(_))),
        "months are dates"
    );
    assert!(matches!(series.get((24, 2)), Some(Data::Float(v)) if (v - 6.61).abs() < 1e-9));
    let trajectory = book.worksheet_range("Lộ trình trụ sở").unwrap();
    let due = row_of(&trajectory, "Hạn mục tiêu");
    assert!(
        matches!(&due[1], Data::DateTime(d) if d.to_ymd_hms_milli().0 == 2025 && d.to_ymd_hms_milli().1 == 12 && d.to_ymd_hms_milli().2 == 31)
    );
    let english = attachment(&render_in(Language::En).1, ".xlsx")
        .bytes
        .clone();
    let book: Xlsx<_> = open_workbook_from_rs(Cursor::new(english)).unwrap();
    assert_eq!(
        book.sheet_names()[..3],
        ["Indicators", "By area", "HQ trajectory"]
    );
}

#[test]
fn csv_holds_the_headline_rows() {
    let (data, out) = render_in(Language::Vi);
    let csv = attachment(&out, ".csv");
    assert_eq!(csv.content_type, CSV_CONTENT_TYPE);
    assert_eq!(csv.filename, "Bao-cao-thang-11-2026-chi-tieu.csv");
    assert!(csv.bytes.starts_with(b"\xEF\xBB\xBF"));
    let mut reader = csv::Reader::from_reader(&csv.bytes[3..]);
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "Mã chỉ tiêu");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), data.headlines.len());
    let standing = rows
        .iter()
        .find(|r| &r[0] == "party_standing_committee_rate")
        .unwrap();
    assert_eq!(
        (&standing[3], &standing[4], &standing[5]),
        ("57", "173", "32.9")
    );
    assert_eq!(&standing[10], "57/173 (32,9%)");
    let staffing = rows.iter().find(|r| &r[0] == "staffing_ratio").unwrap();
    assert_eq!(&staffing[5], "6.61");
}

#[test]
fn text_part_holds_the_headline_figures() {
    let (_, out) = render_in(Language::Vi);
    for needle in [
        "Báo cáo tháng 11/2026",
        "57/173 (32,9%)",
        "6,61 (1.144/173)",
        "60/173 (34,7%)",
        "Trưởng Công an chưa tham gia Ban Thường vụ Đảng ủy",
        "Huyện Ba Tơ",
        "Bao-cao-thang-11-2026.xlsx",
    ] {
        assert!(out.text.contains(needle), "text lacks {needle}");
    }
    assert!(!out.text.contains('<'), "no markup in the text part");
    assert!(!out.text.contains("\n\n\n\n"), "no runs of blank lines");
}

#[test]
fn html_escapes_data() {
    let mut data = ReportData::sample();
    data.gaps[1].units[0].unit_name = "Xã <script>alert(1)</script> & Co".into();
    data.districts[0].name = "Huyện \"A\" <b>".into();
    data.title = Some("Tiêu đề <i>".into());
    let out = render(&data).unwrap();
    assert!(!out.html.contains("<script>"));
    assert!(
        out.html
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co")
    );
    assert!(!out.html.contains("<b>") && !out.html.contains("<i>"));
    assert!(out.html.contains("Huyện &quot;A&quot; &lt;b&gt;"));
    assert!(
        out.text.contains("Xã <script>alert(1)</script> & Co"),
        "text is not escaped"
    );
    assert_eq!(
        out.subject,
        "Báo cáo tháng 11/2026 – Tiêu đề <i> (Tỉnh Quảng Ngãi)"
    );
}

#[test]
fn malformed_input_is_refused_clearly() {
    let empty = ReportData {
        headlines: Vec::new(),
        ..ReportData::sample()
    };
    let err = render(&empty).unwrap_err();
    assert_eq!(err.code(), "REPORT_INVALID_DATA");
    assert!(err.to_string().contains("no headline"), "{err}");

    let mut nan = ReportData::sample();
    nan.headlines[1].value = f64::NAN;
    let err = render(&nan).unwrap_err();
    assert!(
        err.to_string().contains("party_standing_committee_rate"),
        "{err}"
    );

    let mut unknown = ReportData::sample();
    unknown.districts[0].values[0].code = "nope".into();
    assert_eq!(render(&unknown).unwrap_err().code(), "REPORT_INVALID_DATA");

    let mut month = ReportData::sample();
    month.period = ReportPeriod::Month {
        year: 2026,
        month: 13,
    };
    assert!(render(&month).is_err());

    let mut series = ReportData::sample();
    series.series[0].points.reverse();
    assert!(
        render(&series)
            .unwrap_err()
            .to_string()
            .contains("not increasing")
    );

    assert_eq!(
        Language::parse("fr").unwrap_err().code(),
        "UNSUPPORTED_LANGUAGE"
    );
    assert_eq!(Language::parse("EN").unwrap(), Language::En);
}

#[test]
fn a_district_report_without_districts_or_series_renders() {
    let mut data = ReportData::sample();
    data.scope = ReportScope {
        code: "529".into(),
        name: "Huyện Sơn Hà".into(),
        level: ScopeLevel::District,
    };
    data.districts.clear();
    data.series.clear();
    data.trajectory = None;
    data.gaps.truncate(1);
    let out = render(&data).unwrap();
    assert!(out.inline_images.is_empty());
    assert!(cids(&out.html).is_empty());
    assert_eq!(
        out.attachments[0].filename,
        "Bao-cao-thang-11-2026-Huyen-Son-Ha.xlsx"
    );
    assert!(out.subject.ends_with("(Huyện Sơn Hà)"));
    assert!(out.html.contains("Tất cả đơn vị đều đạt."));
}

#[test]
fn long_gap_lists_are_cut_in_the_body_only() {
    let data = ReportData::national_sample();
    let out = render(&data).unwrap();
    let longest = data.gaps.iter().map(|g| g.units.len()).max().unwrap();
    assert!(longest > GAP_ROWS_IN_BODY);
    assert!(out.html.contains("xem tệp Excel đính kèm"));
    let xlsx = &attachment(&out, ".xlsx").bytes;
    assert_eq!(
        sheet(xlsx, "Chưa vào BTV").height(),
        1 + data.gaps[1].units.len()
    );
    assert_eq!(sheet(xlsx, "Theo địa bàn").height(), 1 + 700);
    let bars = out
        .inline_images
        .iter()
        .find(|i| i.cid.starts_with("hq-by-district"))
        .unwrap();
    assert_eq!(png_size(&bars.png).1, 90 + 26 * MAX_BARS as u32);
}

#[test]
#[ignore = "benchmark: run in release with --ignored --nocapture"]
fn bench_report_rendering() {
    let timings = bench::bench(5).unwrap();
    bench::print(&timings);
}

#[test]
#[ignore = "writes the sample report to the temp dir for a look"]
fn write_sample_files() {
    let dir = std::env::temp_dir().join("coso-report-sample");
    std::fs::create_dir_all(&dir).unwrap();
    for lang in [Language::Vi, Language::En] {
        let (_, out) = render_in(lang);
        let code = lang.code();
        std::fs::write(dir.join(format!("{code}.html")), &out.html).unwrap();
        std::fs::write(
            dir.join(format!("{code}.txt")),
            format!("{}\n\n{}", out.subject, out.text),
        )
        .unwrap();
        for image in &out.inline_images {
            std::fs::write(dir.join(format!("{code}-{}.png", image.cid)), &image.png).unwrap();
        }
        for file in &out.attachments {
            std::fs::write(dir.join(&file.filename), &file.bytes).unwrap();
        }
    }
    println!("written to {}", dir.display());
}

#[test]
fn a_trajectory_before_its_date_shows_the_months_left() {
    let mut data = ReportData::sample();
    if let Some(t) = data.trajectory.as_mut() {
        t.as_of = NaiveDate::from_ymd_opt(2024, 11, 30).unwrap();
        t.months_left = 13;
        t.required_per_month = 113.0 / 13.0;
        t.projected_date = None;
        t.achieved_last_12_months = 0;
        t.achieved_per_month = 0.0;
    }
    let out = render(&data).unwrap();
    assert!(out.html.contains("(còn 13 tháng)"), "months left");
    assert!(out.html.contains("8,69 đơn vị/tháng"), "required pace");
    assert!(
        out.html.contains("chưa xác định được"),
        "no projection without progress"
    );
    assert!(!out.html.contains("đã quá hạn"));
    let en = render(&ReportData {
        language: Language::En,
        ..data
    })
    .unwrap();
    assert!(en.text.contains("(13 months left)"));
}

/// The workbook's `xl/styles.xml`.
fn styles_xml(xlsx: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(xlsx.to_vec())).expect("xlsx is a zip");
    let mut file = zip.by_name("xl/styles.xml").expect("styles part");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut file, &mut text).expect("utf8");
    text
}

#[test]
fn text_that_would_run_as_a_formula_is_neutralised_in_csv_and_xlsx() {
    let hostile = "=HYPERLINK(\"http://evil.example\",\"x\")";
    let mut data = ReportData::sample();
    data.districts[0].name = hostile.to_owned();
    data.headlines[0].name_vi = format!("  @{hostile}");
    data.headlines[0].previous = Some(data.headlines[0].value + 1.0);
    let out = render(&data).expect("renders");

    let csv = String::from_utf8(attachment(&out, ".csv").bytes.clone()).expect("utf8");
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let first = reader.records().next().expect("a row").expect("csv");
    assert_eq!(&first[1], format!("'  @{hostile}"), "{csv}");
    assert!(
        first[8].starts_with('-') && first[8].parse::<f64>().is_ok(),
        "a negative change stays a number: {:?}",
        &first[8]
    );

    let xlsx = &attachment(&out, ".xlsx").bytes;
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx.to_vec())).expect("xlsx");
    let names = book.sheet_names();
    let cell = names.iter().find_map(|name| {
        let range = book.worksheet_range(name).ok()?;
        let formulas = book.worksheet_formula(name).ok()?;
        let (r, c, _) = range.used_cells().find(|(_, _, v)| **v == hostile)?;
        let (r0, c0) = range.start()?;
        let formula = formulas.get_value((r as u32 + r0, c as u32 + c0)).cloned();
        Some(formula.unwrap_or_default())
    });
    assert_eq!(
        cell.as_deref(),
        Some(""),
        "the name is a text cell, as written, not a formula"
    );
    assert!(styles_xml(xlsx).contains("quotePrefix=\"1\""));
    let plain = render(&ReportData::sample()).expect("renders");
    assert!(
        !styles_xml(&attachment(&plain, ".xlsx").bytes).contains("quotePrefix"),
        "only formula-like text gets the prefix"
    );
}

#[test]
fn a_target_reached_late_is_reached_not_behind() {
    let mut data = ReportData::sample();
    if let Some(t) = data.trajectory.as_mut() {
        t.as_of = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        (t.covered, t.missing, t.needed) = (t.units, 0, 0);
        t.months_left = 0;
        t.on_track = true;
    }
    let out = render(&data).unwrap();
    assert!(out.html.contains("Đã đạt mục tiêu"), "reached");
    assert!(!out.html.contains("Chậm tiến độ"), "not behind");
    if let Some(t) = data.trajectory.as_mut() {
        (t.covered, t.missing, t.needed) = (t.units - 1, 1, 1);
        t.on_track = false;
    }
    let out = render(&data).unwrap();
    assert!(
        out.html.contains("Chậm tiến độ"),
        "one missing after the date: behind"
    );
}
