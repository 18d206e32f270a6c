//! The LAPOR! reference ids a payload's `kategori_id` and `instansi_id` must come from.

use std::collections::BTreeSet;

use crate::domain::FieldProblem;
use crate::wire::lapor::types::CreateLaporan;

/// Known LAPOR! reference ids (from the store's cache of `GET /kategori` and `GET /instansi`).
/// Empty sets = unknown yet: those checks are skipped.
#[derive(Clone, Debug, Default)]
pub struct ReferenceIds {
    pub kategori: BTreeSet<i64>,
    pub instansi: BTreeSet<i64>,
}

impl ReferenceIds {
    /// Whether LAPOR! is known to list this category (or the list is not known yet).
    pub fn allows_kategori(&self, id: i64) -> bool {
        self.kategori.is_empty() || self.kategori.contains(&id)
    }

    /// Whether LAPOR! is known to list this instansi (or the list is not known yet).
    pub fn allows_instansi(&self, id: i64) -> bool {
        self.instansi.is_empty() || self.instansi.contains(&id)
    }
}

/// The payload's reference ids checked against what LAPOR! lists: a problem for each id it
/// does not list. Nothing is checked against an empty set.
pub fn check_reference(p: &CreateLaporan, reference: &ReferenceIds) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    if !reference.allows_kategori(p.kategori_id) {
        problems.push(FieldProblem::new(
            "kategori_id",
            format!(
                "kategori_id {} is not listed by LAPOR! GET /kategori",
                p.kategori_id
            ),
        ));
    }
    if !reference.allows_instansi(p.instansi_id) {
        problems.push(FieldProblem::new(
            "instansi_id",
            format!(
                "instansi_id {} is not listed by LAPOR! GET /instansi",
                p.instansi_id
            ),
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::lapor::types::Klasifikasi;

    fn payload(kategori_id: i64, instansi_id: i64) -> CreateLaporan {
        CreateLaporan {
            id_eksternal: "sambat:1".into(),
            kanal: "sambat".into(),
            klasifikasi: Klasifikasi::Pengaduan,
            judul: "Jalan berlubang".into(),
            isi: "Jalan berlubang besar di depan pasar".into(),
            kategori_id,
            instansi_id,
            tanggal_kejadian: None,
            lokasi: None,
            anonim: true,
            rahasia: false,
            pelapor: None,
            lampiran: vec![],
            waktu_lapor: "2024-07-29T08:15:00+07:00".into(),
        }
    }

    #[test]
    fn empty_sets_skip_the_checks() {
        assert!(check_reference(&payload(1, 2), &ReferenceIds::default()).is_empty());
    }

    #[test]
    fn unknown_ids_are_named() {
        let r = ReferenceIds {
            kategori: [13].into(),
            instansi: [3573].into(),
        };
        assert!(check_reference(&payload(13, 3573), &r).is_empty());
        let problems = check_reference(&payload(14, 9), &r);
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].field, "kategori_id");
        assert!(problems[0].message.contains("14") && problems[0].message.contains("/kategori"));
        assert_eq!(problems[1].field, "instansi_id");
        assert!(problems[1].message.contains('9') && problems[1].message.contains("/instansi"));
    }
}
