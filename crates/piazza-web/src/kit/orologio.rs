//! The application's clock for date rules (mandates, deadlines, the plan's calendar, the
//! legislature window): [`oggi`]. Tests set "today" for the requests they make with
//! [`con_oggi`]; everything the request runs on its task sees that date.

use std::future::Future;

use chrono::{NaiveDate, Utc};

tokio::task_local! {
    static OGGI: NaiveDate;
}

/// Today's date (UTC), or the date set by [`con_oggi`] for the running task.
pub fn oggi() -> NaiveDate {
    OGGI.try_with(|d| *d)
        .unwrap_or_else(|_| Utc::now().date_naive())
}

/// Runs `f` as if today were `giorno` (for tests and for replaying a day).
pub async fn con_oggi<F: Future>(giorno: NaiveDate, f: F) -> F::Output {
    OGGI.scope(giorno, f).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn today_can_be_set_for_a_task_and_only_for_it() {
        let giorno = NaiveDate::from_ymd_opt(2031, 9, 30).unwrap();
        assert_ne!(oggi(), giorno);
        let dentro = con_oggi(giorno, async { oggi() }).await;
        assert_eq!(dentro, giorno);
        assert_eq!(oggi(), Utc::now().date_naive());
    }
}
