//! API fuzz: every registered function, method, property and indexer of the script engine
//! (enumerated from the engine's metadata) is called with random argument lists: the right
//! types, wrong types, empty and nested arrays, NaN, ±inf, 0, huge and negative numbers,
//! random keyword maps. No call may panic (a panic comes back as an "internal error"), abort
//! or hang.
//!
//! `HNN_FUZZ_CALLS` sets the number of calls (default 1500, as in CI), `HNN_FUZZ_SEED` the
//! seed. The address space is capped (8 GiB) so that an unchecked huge allocation aborts the
//! test instead of exhausting the machine; sizes are kept small by lowering the default
//! step and event limits.

use std::time::{Duration, Instant};

use hnn::script::{build_engine, guard, help};
use rhai::{Engine, Scope};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() as f64 / u64::MAX as f64) < p
    }
}

#[derive(Debug, Clone)]
enum Kind {
    Call,
    Get(String),
    Set(String),
    IndexGet,
    IndexSet,
}

#[derive(Debug, Clone)]
struct Sig {
    name: String,
    kind: Kind,
    params: Vec<String>,
    text: String,
}

/// Split `a: A, b: B<C, D>` at top-level commas.
fn split_params(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut depth) = (Vec::new(), String::new(), 0i32);
    for c in s.chars() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(cur.trim().to_string());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

fn signatures(engine: &Engine) -> Vec<Sig> {
    // the engine lists its functions in hash order: sort them so that a seed replays
    let mut texts = engine.gen_fn_signatures(false);
    texts.sort();
    texts
        .into_iter()
        .filter_map(|text| {
            let open = text.find('(')?;
            let close = text.rfind(')')?;
            let name = text[..open].to_string();
            let params: Vec<String> = split_params(&text[open + 1..close])
                .into_iter()
                .map(|p| p.split_once(": ").map_or(p.clone(), |(_, t)| t.to_string()))
                .collect();
            let kind = if let Some(p) = name.strip_prefix("get$") {
                Kind::Get(p.to_string())
            } else if let Some(p) = name.strip_prefix("set$") {
                Kind::Set(p.to_string())
            } else if name == "index$get$" {
                Kind::IndexGet
            } else if name == "index$set$" {
                Kind::IndexSet
            } else {
                Kind::Call
            };
            Some(Sig {
                name,
                kind,
                params,
                text,
            })
        })
        .collect()
}

const SETUP: &str = r#"
let net = jones_2009_model(#{ mesh_shape: [2, 2] });
net.add_evoked_drive("ev", #{ mu: 5.0, sigma: 1.0, numspikes: 1, location: "proximal",
    weights_ampa: #{ L5_pyramidal: 0.01, L2_pyramidal: 0.01 } });
net.add_poisson_drive("po", #{ rate_constant: 50.0, location: "distal",
    weights_ampa: #{ L5_pyramidal: 0.001 } });
net.add_electrode_array("sh", [[0, 0, 0], [0, 0, 100], [0, 0, 200]]);
let dpls = simulate_dipole(net, #{ tstop: 12.0, record_vsec: "soma", record_isec: "soma", record_ca: "soma" });
let dpl = dpls[0];
let cr = net.cell_response;
let fig = figure(#{ nrows: 2 });
let ax = fig.axes[0];
let cell = net.cell_types["L5_pyramidal"];
let arr = net.rec_arrays["sh"];
let net0 = jones_2009_model(#{ mesh_shape: [1, 1] });
let params = read_params(PARAMS_FILE);
let dmap = dpl.data;
"#;

/// Variables of the setup by the type name the engine's metadata uses.
const OBJECTS: &[(&str, &[&str])] = &[
    ("Network", &["net", "net0"]),
    ("Dipole", &["dpl"]),
    ("CellResponse", &["cr"]),
    ("Figure", &["fig"]),
    ("Axes", &["ax"]),
    ("Cell", &["cell"]),
    ("ExtracellularArray", &["arr"]),
    ("Params", &["params"]),
];

const INTS: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "-1",
    "-7",
    "2147483647",
    "-9223372036854775807",
    "4294967296",
];
const FLOATS: &[&str] = &[
    "0.0", "0.5", "1.0", "2.5", "-2.5", "1e9", "-1e9", "1e300", "1e-300", "NAN", "INF", "NINF",
    "-0.0", "100.0",
];
const STRINGS: &[&str] = &[
    r#""""#,
    r#""soma""#,
    r#""apical_1""#,
    r#""L5_pyramidal""#,
    r#""L2_basket""#,
    r#""proximal""#,
    r#""distal""#,
    r#""ampa""#,
    r#""gabab""#,
    r#""agg""#,
    r#""L2""#,
    r#""ev""#,
    r#""sh""#,
    r#""evprox1""#,
    r#""x.png""#,
    r#""x.svg""#,
    r#""x.txt""#,
    r#""x.json""#,
    r#""x.h5""#,
    r#""x.param""#,
    r#""none/x.txt""#,
    r#""spk_%d.txt""#,
    r#""gamma_L5weak_L2weak.json""#,
    r#""gbar_L*""#,
    r#""🦀""#,
];

struct Gen<'a> {
    rng: Rng,
    keywords: &'a [String],
    /// The keywords of the function being called (from its help entry).
    own: Vec<String>,
}

impl Gen<'_> {
    fn object(&mut self, ty: &str) -> Option<String> {
        let ty = ty.trim_start_matches("&mut ").trim_start_matches('&');
        OBJECTS
            .iter()
            .find(|(t, _)| *t == ty)
            .map(|(_, vars)| self.rng.pick(vars).to_string())
    }

    fn any(&mut self, depth: usize) -> String {
        match self.rng.below(if depth > 1 { 6 } else { 9 }) {
            0 => self.rng.pick(INTS).to_string(),
            1 => self.rng.pick(FLOATS).to_string(),
            2 => self.rng.pick(STRINGS).to_string(),
            3 => self.rng.pick(&["true", "false", "()"]).to_string(),
            4 => {
                let (_, vars) = self.rng.pick(OBJECTS);
                self.rng.pick(vars).to_string()
            }
            5 => self
                .rng
                .pick(&["0..3", "0..0", "5..2", "0..=4", "[]", "[[]]", "#{}"])
                .to_string(),
            6 | 7 => self.array(depth + 1),
            _ => self.map(depth + 1),
        }
    }

    fn array(&mut self, depth: usize) -> String {
        let n = self.rng.below(4);
        let items: Vec<String> = (0..n)
            .map(|_| {
                if self.rng.chance(0.5) {
                    self.rng.pick(FLOATS).to_string()
                } else {
                    self.any(depth)
                }
            })
            .collect();
        format!("[{}]", items.join(", "))
    }

    fn map(&mut self, depth: usize) -> String {
        let n = self.rng.below(4);
        let items: Vec<String> = (0..n)
            .map(|_| {
                let k = if self.rng.chance(0.7) && !self.own.is_empty() {
                    self.rng.pick(&self.own).clone()
                } else if self.rng.chance(0.9) && !self.keywords.is_empty() {
                    self.rng.pick(self.keywords).clone()
                } else {
                    "bogus".to_string()
                };
                format!("{k}: {}", self.any(depth))
            })
            .collect();
        format!("#{{ {} }}", items.join(", "))
    }

    fn of_type(&mut self, ty: &str) -> String {
        if self.rng.chance(0.3) {
            return self.any(0);
        }
        if let Some(v) = self.object(ty) {
            return v;
        }
        match ty {
            "i64" | "INT" | "usize" => self.rng.pick(INTS).to_string(),
            "f64" | "FLOAT" => self.rng.pick(FLOATS).to_string(),
            "&str" | "ImmutableString" | "String" | "&mut ImmutableString" => {
                self.rng.pick(STRINGS).to_string()
            }
            "bool" => self.rng.pick(&["true", "false"]).to_string(),
            "Map" | "&mut Map" | "map" | "&mut map" => self.map(0),
            "Array" | "&mut Array" | "array" | "&mut array" => self.array(0),
            _ => self.any(0),
        }
    }

    /// A variable for a receiver (method calls and property access need one).
    fn receiver(&mut self, ty: &str) -> String {
        if let Some(v) = self.object(ty) {
            return v;
        }
        self.rng.pick(&["dmap", "net", "dpl", "cr"]).to_string()
    }

    fn call(&mut self, sig: &Sig) -> String {
        let args: Vec<String> = sig.params.iter().map(|t| self.of_type(t)).collect();
        match &sig.kind {
            Kind::Call => format!("{}({})", sig.name, args.join(", ")),
            Kind::Get(p) => format!("{}.{p}", self.receiver(&sig.params[0])),
            Kind::Set(p) => format!(
                "{}.{p} = {}",
                self.receiver(&sig.params[0]),
                args.get(1).cloned().unwrap_or_else(|| "0".into())
            ),
            Kind::IndexGet => format!(
                "{}[{}]",
                self.receiver(&sig.params[0]),
                args.get(1).cloned().unwrap_or_else(|| "0".into())
            ),
            Kind::IndexSet => format!(
                "{}[{}] = {}",
                self.receiver(&sig.params[0]),
                args.get(1).cloned().unwrap_or_else(|| "0".into()),
                args.get(2).cloned().unwrap_or_else(|| "0".into())
            ),
        }
    }
}

fn keywords() -> Vec<String> {
    keywords_of(help::API.iter())
}

fn keywords_of<'a>(docs: impl Iterator<Item = &'a help::FnDoc>) -> Vec<String> {
    let mut w = Vec::new();
    for d in docs {
        if let Some(i) = d.signature.find("#{") {
            for k in d.signature[i + 2..].split([',', '}', ' ', ':']) {
                let k = k.trim();
                if !k.is_empty()
                    && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !k.chars().all(|c| c.is_ascii_digit())
                {
                    w.push(k.to_string());
                }
            }
        }
    }
    w.sort();
    w.dedup();
    w
}

fn fresh_scope(engine: &Engine, params: &str) -> Scope<'static> {
    // a file of that name written by an earlier call would shadow the built-in set
    let _ = std::fs::remove_file(params);
    let mut scope = Scope::new();
    scope.push_constant("PARAMS_FILE", params.to_string());
    scope.push_constant("NAN", f64::NAN);
    scope.push_constant("INF", f64::INFINITY);
    scope.push_constant("NINF", f64::NEG_INFINITY);
    guard::guarded(|| engine.run_with_scope(&mut scope, SETUP)).expect("fuzz setup runs");
    scope
}

#[test]
fn every_function_survives_random_arguments() {
    #[cfg(unix)]
    // SAFETY: setrlimit on this process only
    unsafe {
        let lim = libc::rlimit {
            rlim_cur: 8 << 30,
            rlim_max: libc::RLIM_INFINITY,
        };
        libc::setrlimit(libc::RLIMIT_AS, &lim);
    }
    let calls: usize = std::env::var("HNN_FUZZ_CALLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1500);
    let seed: u64 = std::env::var("HNN_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(13);
    // one of the parameter sets built into hnn
    let params = "gamma_L5weak_L2weak.json".to_string();
    let dir = std::env::temp_dir().join(format!("hnn_api_fuzz_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // files the fuzz writes land here (this file holds one test, so the cwd is its own)
    std::env::set_current_dir(&dir).unwrap();
    hnn::limits::set_defaults(20_000, 200_000);
    hnn::script::set_threads(Some(1));

    let engine = build_engine();
    let sigs = signatures(&engine);
    assert!(sigs.len() > 100, "only {} signatures", sigs.len());
    let kws = keywords();
    let mut g = Gen {
        rng: Rng(seed),
        keywords: &kws,
        own: Vec::new(),
    };
    let mut scope = fresh_scope(&engine, &params);
    let (mut ok, mut errors) = (0usize, 0usize);
    let mut slow: Vec<(Duration, String)> = Vec::new();
    let mut panics: Vec<String> = Vec::new();
    let verbose = std::env::var("HNN_FUZZ_VERBOSE").is_ok();
    for i in 0..calls {
        if i % 250 == 249 {
            scope = fresh_scope(&engine, &params);
        }
        let sig = g.rng.pick(&sigs).clone();
        g.own = keywords_of(help::API.iter().filter(|d| d.name == sig.name));
        let code = format!("{};", g.call(&sig));
        if verbose {
            eprintln!("{i}: {code}");
        }
        let t0 = Instant::now();
        let r = guard::guarded(|| engine.run_with_scope(&mut scope, &code));
        let dt = t0.elapsed();
        if dt > Duration::from_secs(2) {
            slow.push((dt, code.clone()));
        }
        match r {
            Ok(()) => ok += 1,
            Err(e) => {
                errors += 1;
                let msg = e.to_string();
                if msg.contains(guard::INTERNAL) {
                    panics.push(format!("{code}\n    ({}) -> {msg}", sig.text));
                }
            }
        }
    }
    slow.sort_by_key(|s| std::cmp::Reverse(s.0));
    eprintln!(
        "api fuzz: {calls} calls over {} signatures (seed {seed}): {ok} ran, {errors} refused, {} panics; slowest: {:?}",
        sigs.len(),
        panics.len(),
        slow.iter().take(5).collect::<Vec<_>>()
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(panics.is_empty(), "panics:\n{}", panics.join("\n"));
    assert!(
        slow.iter().all(|(d, _)| *d < Duration::from_secs(30)),
        "calls slower than 30 s: {slow:?}"
    );
}
