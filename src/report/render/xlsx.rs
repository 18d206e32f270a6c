//! The rekap as an Excel workbook for the Walikota's office: a summary sheet with the figures
//! the city reports, then one sheet per channel, per OPD and the service-level list. Cells are
//! real numbers and dates (a rate is the fraction with a percent format, never text), headers
//! in the language, the header row frozen and filtered, columns as wide as their contents.

use jiff::Timestamp;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::labels;
use crate::i18n::Lang;
use crate::report::kpi::{Kpi, Report};
use crate::report::sla::SlaReport;
use crate::t;

/// The number formats of one language (Excel writes the decimal mark of the reader's locale).
struct Formats {
    head: Format,
    date: Format,
    datetime: Format,
    percent: Format,
    days: Format,
    count: Format,
}

impl Formats {
    fn new(lang: Lang) -> Formats {
        let (date, datetime) = match lang {
            Lang::Id => ("dd/mm/yyyy", "dd/mm/yyyy hh:mm"),
            Lang::English => ("yyyy-mm-dd", "yyyy-mm-dd hh:mm"),
        };
        Formats {
            head: Format::new().set_bold().set_text_wrap(),
            date: Format::new().set_num_format(date),
            datetime: Format::new().set_num_format(datetime),
            percent: Format::new().set_num_format("0.0%"),
            days: Format::new().set_num_format("0.00"),
            count: Format::new().set_num_format("#,##0"),
        }
    }
}

/// A WIB wall-clock time as Excel's (zone-less) date and time.
fn wib(ts: Timestamp) -> Result<ExcelDateTime, XlsxError> {
    let z = ts.to_zoned_datetime(crate::time::wib());
    ExcelDateTime::from_ymd(z.year() as u16, z.month() as u8, z.day() as u8)?.and_hms(
        z.hour() as u16,
        z.minute() as u8,
        z.second() as f64,
    )
}

fn day(d: jiff::civil::Date) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// A cell to write, so one helper sets the value, its format and the column's width.
enum Cell {
    Text(String),
    Count(u64),
    Rate(Option<f64>),
    Days(Option<f64>),
    Date(jiff::civil::Date),
    Time(Timestamp),
    /// A code (instansi, record number): a number without thousands separators.
    Code(i64),
    Blank,
}

/// One sheet being written: the widest content of each column so far, in characters.
struct Sheet<'w> {
    ws: &'w mut Worksheet,
    widths: Vec<usize>,
    rows: u32,
}

impl<'w> Sheet<'w> {
    fn new(
        wb: &'w mut Workbook,
        name: String,
        header: &[String],
        f: &Formats,
    ) -> Result<Self, XlsxError> {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        for (i, h) in header.iter().enumerate() {
            ws.write_string_with_format(0, i as u16, h, &f.head)?;
        }
        ws.set_freeze_panes(1, 0)?;
        Ok(Sheet {
            ws,
            widths: header.iter().map(|h| h.chars().count().min(24)).collect(),
            rows: 1,
        })
    }

    fn row(&mut self, cells: Vec<Cell>, f: &Formats) -> Result<(), XlsxError> {
        let r = self.rows;
        for (i, c) in cells.into_iter().enumerate() {
            let col = i as u16;
            let w = match c {
                Cell::Text(s) => {
                    self.ws.write_string(r, col, &s)?;
                    s.chars().count()
                }
                Cell::Code(n) => {
                    self.ws.write_number(r, col, n as f64)?;
                    n.to_string().len()
                }
                Cell::Count(n) => {
                    self.ws
                        .write_number_with_format(r, col, n as f64, &f.count)?;
                    8
                }
                Cell::Rate(Some(v)) => {
                    self.ws.write_number_with_format(r, col, v, &f.percent)?;
                    7
                }
                Cell::Days(Some(v)) => {
                    self.ws.write_number_with_format(r, col, v, &f.days)?;
                    7
                }
                Cell::Date(d) => {
                    self.ws
                        .write_datetime_with_format(r, col, day(d)?, &f.date)?;
                    11
                }
                Cell::Time(t) => {
                    self.ws
                        .write_datetime_with_format(r, col, wib(t)?, &f.datetime)?;
                    17
                }
                Cell::Rate(None) | Cell::Days(None) | Cell::Blank => 0,
            };
            if self.widths.len() <= i {
                self.widths.resize(i + 1, 0);
            }
            self.widths[i] = self.widths[i].max(w);
        }
        self.rows += 1;
        Ok(())
    }

    /// Column widths from the contents (a little room, capped), and the header's filter.
    fn finish(self, filter: bool) -> Result<(), XlsxError> {
        for (i, w) in self.widths.iter().enumerate() {
            self.ws
                .set_column_width(i as u16, ((*w).clamp(6, 50) + 2) as f64)?;
        }
        let last_col = self.widths.len().saturating_sub(1) as u16;
        if filter {
            self.ws
                .autofilter(0, 0, self.rows.saturating_sub(1), last_col)?;
        }
        Ok(())
    }
}

fn kpi_headers(lang: Lang) -> Vec<String> {
    vec![
        t!(lang, "head-received"),
        t!(lang, "head-forwarded"),
        t!(lang, "head-responded"),
        t!(lang, "head-rate"),
        t!(lang, "head-mean"),
        t!(lang, "head-median"),
        t!(lang, "head-closed"),
        t!(lang, "head-rejected"),
    ]
}

fn kpi_cells(k: &Kpi) -> Vec<Cell> {
    vec![
        Cell::Count(k.received),
        Cell::Count(k.forwarded),
        Cell::Count(k.responded),
        Cell::Rate(k.response_rate),
        Cell::Days(k.mean_response_days),
        Cell::Days(k.median_response_days),
        Cell::Count(k.closed),
        Cell::Count(k.rejected),
    ]
}

/// The workbook of `r` and `sla`, made at `made`, as the bytes of an .xlsx file.
pub fn workbook(
    lang: Lang,
    r: &Report,
    sla: &SlaReport,
    made: Timestamp,
) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new(lang);
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_title(t!(lang, "xlsx-title")));

    let head = [t!(lang, "head-figure"), t!(lang, "head-value")];
    let mut s = Sheet::new(&mut wb, t!(lang, "sheet-summary"), &head, &f)?;
    let k = &r.total;
    let summary: Vec<(String, Cell)> = vec![
        (t!(lang, "head-from"), Cell::Date(r.from)),
        (t!(lang, "head-to"), Cell::Date(r.to)),
        (t!(lang, "head-as-of"), Cell::Time(r.as_of)),
        (t!(lang, "head-made"), Cell::Time(made)),
        (t!(lang, "head-received"), Cell::Count(k.received)),
        (t!(lang, "head-forwarded"), Cell::Count(k.forwarded)),
        (t!(lang, "head-responded"), Cell::Count(k.responded)),
        (t!(lang, "head-rate"), Cell::Rate(k.response_rate)),
        (t!(lang, "head-mean"), Cell::Days(k.mean_response_days)),
        (t!(lang, "head-median"), Cell::Days(k.median_response_days)),
        (t!(lang, "head-closed"), Cell::Count(k.closed)),
        (t!(lang, "head-rejected"), Cell::Count(k.rejected)),
        (
            t!(lang, "head-target", year = r.target.year.to_string()),
            Cell::Count(u64::from(r.target.annual)),
        ),
        (t!(lang, "head-ytd"), Cell::Count(r.target.year_to_date)),
        (t!(lang, "head-progress"), Cell::Rate(r.target.progress)),
    ];
    for (label, value) in summary {
        s.row(vec![Cell::Text(label), value], &f)?;
    }
    s.finish(false)?;

    let mut head = vec![t!(lang, "head-channel")];
    head.extend(kpi_headers(lang));
    let mut s = Sheet::new(&mut wb, t!(lang, "sheet-channel"), &head, &f)?;
    for c in &r.by_channel {
        let mut cells = vec![Cell::Text(c.channel.clone())];
        cells.extend(kpi_cells(&c.kpi));
        s.row(cells, &f)?;
    }
    s.finish(true)?;

    let mut head = vec![t!(lang, "head-instansi-id"), t!(lang, "head-name")];
    head.extend(kpi_headers(lang));
    let mut s = Sheet::new(&mut wb, t!(lang, "sheet-opd"), &head, &f)?;
    for o in &r.by_opd {
        let id = o.instansi_id.map(Cell::Code).unwrap_or(Cell::Blank);
        let name = match (&o.name, o.instansi_id) {
            (Some(n), _) => n.clone(),
            (None, Some(_)) => String::new(),
            (None, None) => t!(lang, "row-no-instansi"),
        };
        let mut cells = vec![id, Cell::Text(name)];
        cells.extend(kpi_cells(&o.kpi));
        s.row(cells, &f)?;
    }
    s.finish(true)?;

    let head = [
        t!(lang, "head-state"),
        t!(lang, "head-rule"),
        t!(lang, "head-record-id"),
        t!(lang, "head-channel"),
        t!(lang, "head-local-id"),
        t!(lang, "head-tracking"),
        t!(lang, "head-instansi-id"),
        t!(lang, "head-since"),
        t!(lang, "head-at-risk-from"),
        t!(lang, "head-deadline"),
        t!(lang, "head-elapsed"),
    ];
    let mut s = Sheet::new(&mut wb, t!(lang, "sheet-sla"), &head, &f)?;
    for c in &sla.watch {
        s.row(
            vec![
                Cell::Text(labels::state(lang, c.state)),
                Cell::Text(labels::rule(lang, Some(c.rule))),
                Cell::Code(c.record_id),
                Cell::Text(c.channel.clone()),
                Cell::Text(c.local_id.clone()),
                c.tracking_id.clone().map(Cell::Text).unwrap_or(Cell::Blank),
                c.instansi_id.map(Cell::Code).unwrap_or(Cell::Blank),
                Cell::Time(c.started_at),
                Cell::Time(c.at_risk_from),
                Cell::Time(c.deadline),
                Cell::Count(u64::from(c.working_days_elapsed)),
            ],
            &f,
        )?;
    }
    s.finish(true)?;
    wb.save_to_buffer()
}
