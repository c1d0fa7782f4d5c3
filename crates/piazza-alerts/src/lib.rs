//! Delivery of alerts to subscribers (issue 6, in progress). So far: the web-push sender —
//! one encrypted message to one subscription, with the headers push services expect and the
//! answers sorted into what the delivery engine must do next.

pub mod push;
