//! Exact rate functions of hnn-core's `.mod` files (tabulated by [`Tables`]).

use super::table::RateTable;

/// Temperature factor `q10^((celsius - temp - tshift)/10)`.
pub fn temp_factor(q10: f64, celsius: f64, temp: f64, tshift: f64) -> f64 {
    q10.powf((celsius - temp - tshift) / 10.0)
}

fn vtrap(x: f64, y: f64) -> f64 {
    if (x / y).abs() < 1e-6 {
        y * (1.0 - x / y / 2.0)
    } else {
        x / ((x / y).exp() - 1.0)
    }
}

/// hh2 `rates(v)`: minf, mtau, hinf, htau, ninf, ntau.
pub fn hh2(v: f64, q10: f64) -> [f64; 6] {
    let a = 0.1 * vtrap(-(v + 40.0), 10.0);
    let b = 4.0 * (-(v + 65.0) / 18.0).exp();
    let s = a + b;
    let (mtau, minf) = (1.0 / (q10 * s), a / s);
    let a = 0.07 * (-(v + 65.0) / 20.0).exp();
    let b = 1.0 / ((-(v + 35.0) / 10.0).exp() + 1.0);
    let s = a + b;
    let (htau, hinf) = (1.0 / (q10 * s), a / s);
    let a = 0.01 * vtrap(-(v + 55.0), 10.0);
    let b = 0.125 * (-(v + 65.0) / 80.0).exp();
    let s = a + b;
    let (ntau, ninf) = (1.0 / (q10 * s), a / s);
    [minf, mtau, hinf, htau, ninf, ntau]
}

/// km `rates(v)`: ninf, ntau.
pub fn km(v: f64, tadj: f64) -> [f64; 2] {
    let (tha, qa, ra, rb) = (-30.0, 9.0, 0.001, 0.001);
    let a = ra * (v - tha) / (1.0 - (-(v - tha) / qa).exp());
    let b = -rb * (v - tha) / (1.0 - ((v - tha) / qa).exp());
    [a / (a + b), 1.0 / tadj / (a + b)]
}

/// ca `rates(v)`: minf, hinf, mtau, htau (the TABLE's output order).
pub fn ca(vm: f64, tadj: f64) -> [f64; 4] {
    let a = 0.055 * (-27.0 - vm) / (((-27.0 - vm) / 3.8).exp() - 1.0);
    let b = 0.94 * ((-75.0 - vm) / 17.0).exp();
    let (mtau, minf) = (1.0 / tadj / (a + b), a / (a + b));
    let a = 0.000457 * ((-13.0 - vm) / 50.0).exp();
    let b = 0.0065 / (((-vm - 15.0) / 28.0).exp() + 1.0);
    let (htau, hinf) = (1.0 / tadj / (a + b), a / (a + b));
    [minf, hinf, mtau, htau]
}

/// cat `settables(v)`: minf, mtau, hinf, htau.
pub fn cat(v: f64) -> [f64; 4] {
    let minf = 1.0 / (1.0 + ((-v - 56.0) / 6.2).exp());
    let mtau = 0.204 + 0.333 / (((v + 15.8) / 18.2).exp() + ((-v - 131.0) / 16.7).exp());
    let hinf = 1.0 / (1.0 + ((v + 80.0) / 4.0).exp());
    let htau = if v < -81.0 {
        0.333 * ((v + 466.0) / 66.6).exp()
    } else {
        9.32 + 0.333 * ((-v - 21.0) / 10.5).exp()
    };
    [minf, mtau, hinf, htau]
}

/// ar `settables(v)`: minf, mtau.
pub fn ar(v: f64) -> [f64; 2] {
    [
        1.0 / (1.0 + ((v + 75.0) / 5.5).exp()),
        1.0 / ((-14.6 - 0.086 * v).exp() + (-1.87 + 0.07 * v).exp()),
    ]
}

/// kca `rates(cai)`: ninf, ntau (no table).
#[inline(always)]
pub fn kca(cai: f64, tadj: f64) -> [f64; 2] {
    let a = 0.01 * cai;
    let s = 1.0 / (a + 0.02);
    [a * s, s / tadj]
}

/// All rate tables at one temperature.
#[derive(Debug, Clone)]
pub struct Tables {
    /// Temperature [°C].
    pub celsius: f64,
    /// ca, km, kca temperature factor.
    pub tadj: f64,
    /// hh2.
    pub hh2: RateTable<6>,
    /// km.
    pub km: RateTable<2>,
    /// ca, outputs reordered to (minf, mtau, hinf, htau).
    pub ca: RateTable<4>,
    /// cat.
    pub cat: RateTable<4>,
    /// ar.
    pub ar: RateTable<2>,
}

impl Tables {
    /// Build every table at `celsius`, with the grids of the `.mod` files.
    pub fn new(celsius: f64) -> Self {
        let q10 = temp_factor(3.0, celsius, 6.3, 30.7);
        let tadj = temp_factor(2.3, celsius, 23.0, 30.7);
        Tables {
            celsius,
            tadj,
            hh2: RateTable::build(-100.0, 100.0, 200, |v| hh2(v, q10)),
            km: RateTable::build(-120.0, 100.0, 199, |v| km(v, tadj)),
            ca: RateTable::build(-120.0, 100.0, 199, |v| {
                let [minf, hinf, mtau, htau] = ca(v, tadj);
                [minf, mtau, hinf, htau]
            }),
            cat: RateTable::build(-120.0, 40.0, 641, cat),
            ar: RateTable::build(-120.0, 40.0, 641, ar),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temperature_factors() {
        assert_eq!(temp_factor(3.0, 37.0, 6.3, 30.7), 1.0);
        assert!((temp_factor(2.3, 37.0, 23.0, 30.7) - 0.2488367461978179).abs() < 1e-15);
    }
}
