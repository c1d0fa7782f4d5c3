//! Progetti: the portfolio of EU, national and regional projects — programmes and calls,
//! partners, comuni and staff, the work plan and its deadlines (also as iCalendar), the
//! timeline, the budget by programme and year, and the risk that the change of regional
//! legislature brings (from Piano's political calendar).

pub mod demo;
pub mod gantt;
pub mod ical;
pub mod import;
pub mod model;
pub mod routes;
pub mod store;
