//! lapor-mocks' integration tests, one binary: each former `tests/<name>.rs` is a module.

mod call112;
mod desk;
mod lapor;
mod sambat;
