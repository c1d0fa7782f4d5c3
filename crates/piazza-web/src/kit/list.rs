//! What every list page shares: pagination and query strings that keep the filters.

use crate::kit::error::urlencode;

/// Builds `a=1&b=x` from the non-empty parameters.
pub fn query_string(params: &[(&str, String)]) -> String {
    params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub const PER_PAGINA_DEFAULT: usize = 50;
pub const PER_PAGINA_MAX: usize = 500;

#[derive(Debug, Clone)]
pub struct Pager {
    pub pagina: usize,
    pub per_pagina: usize,
    pub totale: usize,
    /// `path?filters&` to which `pagina=N` is appended.
    base: String,
}

pub struct PageLink {
    pub numero: usize,
    pub href: String,
    pub corrente: bool,
}

impl Pager {
    /// `pagina` and `per_pagina` as given in the query (bad values fall back to defaults).
    pub fn new(
        path: &str,
        filters: &[(&str, String)],
        pagina: Option<&str>,
        per_pagina: Option<&str>,
        totale: usize,
    ) -> Self {
        let per_pagina = per_pagina
            .and_then(|p| p.parse::<usize>().ok())
            .filter(|p| *p > 0)
            .map(|p| p.min(PER_PAGINA_MAX))
            .unwrap_or(PER_PAGINA_DEFAULT);
        let pagine = totale.div_ceil(per_pagina).max(1);
        let pagina = pagina
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, pagine);
        let mut params: Vec<(&str, String)> = filters.to_vec();
        if per_pagina != PER_PAGINA_DEFAULT {
            params.push(("per_pagina", per_pagina.to_string()));
        }
        let qs = query_string(&params);
        let base = if qs.is_empty() {
            format!("{path}?")
        } else {
            format!("{path}?{qs}&")
        };
        Self {
            pagina,
            per_pagina,
            totale,
            base,
        }
    }

    pub fn pagine(&self) -> usize {
        self.totale.div_ceil(self.per_pagina).max(1)
    }

    pub fn offset(&self) -> usize {
        (self.pagina - 1) * self.per_pagina
    }

    /// First and last position shown, 1-based (0 and 0 for an empty list).
    pub fn da(&self) -> usize {
        if self.totale == 0 {
            0
        } else {
            self.offset() + 1
        }
    }
    pub fn a(&self) -> usize {
        (self.offset() + self.per_pagina).min(self.totale)
    }

    pub fn href(&self, pagina: usize) -> String {
        format!("{}pagina={pagina}", self.base)
    }

    pub fn precedente(&self) -> Option<String> {
        (self.pagina > 1).then(|| self.href(self.pagina - 1))
    }

    pub fn successiva(&self) -> Option<String> {
        (self.pagina < self.pagine()).then(|| self.href(self.pagina + 1))
    }

    /// Page links around the current one (at most 7).
    pub fn links(&self) -> Vec<PageLink> {
        let n = self.pagine();
        let start = self.pagina.saturating_sub(3).max(1);
        let end = (start + 6).min(n);
        (start..=end)
            .map(|p| PageLink {
                numero: p,
                href: self.href(p),
                corrente: p == self.pagina,
            })
            .collect()
    }

    pub fn slice<'a, T>(&self, items: &'a [T]) -> &'a [T] {
        let from = self.offset().min(items.len());
        let to = (from + self.per_pagina).min(items.len());
        &items[from..to]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_clamps_and_keeps_filters() {
        let p = Pager::new(
            "/comuni",
            &[("q", "san g".into()), ("x", String::new())],
            Some("99"),
            None,
            273,
        );
        assert_eq!(p.pagine(), 6);
        assert_eq!(p.pagina, 6);
        assert_eq!(p.da(), 251);
        assert_eq!(p.a(), 273);
        assert_eq!(p.href(2), "/comuni?q=san%20g&pagina=2");
        let p = Pager::new("/comuni", &[], Some("abc"), Some("0"), 0);
        assert_eq!(
            (p.pagina, p.per_pagina, p.da(), p.a()),
            (1, PER_PAGINA_DEFAULT, 0, 0)
        );
    }
}
