//! A small sixel encoder (DEC's terminal graphics: foot, mlterm, WezTerm, xterm with
//! `-ti vt340`, ...) for showing figures inline at the prompt.
//!
//! The image is reduced to at most 256 colours: its own colours when it has that few (flat
//! plots often do), else a fixed palette (the 6 × 6 × 6 colour cube plus 40 greys, the
//! nearest entry for each pixel). The output is `ESC P q`, the raster size (`"1;1;W;H`),
//! the palette (`#i;2;r;g;b`, in percent), then one band of six pixel rows after the other
//! (per colour: `#i`, the run-length-coded sixels, `$` back to the band's start; `-` to the
//! next band), then `ESC \`.

use std::collections::HashMap;
use std::fmt::Write;

use super::Rgb;

/// The largest palette a sixel image uses here (and the most most terminals hold).
pub const MAX_COLORS: usize = 256;

/// The fixed palette for images with more than [`MAX_COLORS`] colours: the 216 colours of
/// the cube with levels 0, 51, …, 255 per channel, then 40 greys (grey `k` is
/// `round(k · 255 / 39)`).
pub fn fixed_palette() -> Vec<Rgb> {
    let mut p = Vec::with_capacity(MAX_COLORS);
    for r in 0..6u8 {
        for g in 0..6u8 {
            for b in 0..6u8 {
                p.push((r * 51, g * 51, b * 51));
            }
        }
    }
    for k in 0..40u32 {
        let v = ((k * 255 + 19) / 39) as u8;
        p.push((v, v, v));
    }
    p
}

fn dist2(a: Rgb, b: Rgb) -> i32 {
    let d = |x: u8, y: u8| (x as i32 - y as i32).pow(2);
    d(a.0, b.0) + d(a.1, b.1) + d(a.2, b.2)
}

/// The nearest entry of [`fixed_palette`] to `c`: the nearest cube colour or the nearest
/// grey, whichever is closer.
fn fixed_index(c: Rgb) -> usize {
    let level = |x: u8| ((x as u32 + 25) / 51) as usize;
    let cube = level(c.0) * 36 + level(c.1) * 6 + level(c.2);
    let lv = |i: usize| (i * 51) as u8;
    let cube_rgb = (lv(level(c.0)), lv(level(c.1)), lv(level(c.2)));
    let mean = (c.0 as u32 + c.1 as u32 + c.2 as u32) / 3;
    let k = ((mean * 39 + 127) / 255) as usize;
    let gv = ((k as u32 * 255 + 19) / 39) as u8;
    if dist2(c, (gv, gv, gv)) < dist2(c, cube_rgb) {
        216 + k
    } else {
        cube
    }
}

/// Reduce an RGB image (`rgb.len() == 3 · width · height`) to a palette and one palette
/// index per pixel: the image's own colours (in order of first appearance) when there are at
/// most [`MAX_COLORS`], else [`fixed_palette`].
pub fn quantize(rgb: &[u8]) -> (Vec<Rgb>, Vec<u8>) {
    let pixels = rgb.chunks_exact(3).map(|p| (p[0], p[1], p[2]));
    let mut own: HashMap<Rgb, u8> = HashMap::new();
    let mut palette: Vec<Rgb> = Vec::new();
    let mut idx = Vec::with_capacity(rgb.len() / 3);
    for c in pixels.clone() {
        let i = match own.get(&c) {
            Some(i) => *i,
            None if palette.len() < MAX_COLORS => {
                let i = palette.len() as u8;
                own.insert(c, i);
                palette.push(c);
                i
            }
            None => {
                let palette = fixed_palette();
                let idx = pixels.map(|c| fixed_index(c) as u8).collect();
                return (palette, idx);
            }
        };
        idx.push(i);
    }
    (palette, idx)
}

/// A channel 0..255 as sixel's percent 0..100 (rounded).
fn percent(x: u8) -> u32 {
    (x as u32 * 100 + 127) / 255
}

fn push_run(out: &mut String, ch: u8, n: usize) {
    match n {
        0 => {}
        1..=3 => (0..n).for_each(|_| out.push(ch as char)),
        _ => {
            let _ = write!(out, "!{n}{}", ch as char);
        }
    }
}

/// Encode an RGB image (`rgb.len() == 3 · width · height`, row by row) as a sixel sequence.
pub fn encode(width: usize, height: usize, rgb: &[u8]) -> String {
    assert_eq!(
        rgb.len(),
        3 * width * height,
        "rgb buffer of width × height"
    );
    let (palette, idx) = quantize(rgb);
    let mut out = String::new();
    let _ = write!(out, "\x1bP0;1;0q\"1;1;{width};{height}");
    for (i, c) in palette.iter().enumerate() {
        let _ = write!(
            out,
            "#{i};2;{};{};{}",
            percent(c.0),
            percent(c.1),
            percent(c.2)
        );
    }
    let mut bits = vec![0u8; width];
    for band in 0..height.div_ceil(6) {
        let rows = band * 6..(band * 6 + 6).min(height);
        let mut used = vec![false; palette.len()];
        for y in rows.clone() {
            for &i in &idx[y * width..(y + 1) * width] {
                used[i as usize] = true;
            }
        }
        let mut first = true;
        for (color, _) in used.iter().enumerate().filter(|(_, u)| **u) {
            bits.iter_mut().for_each(|b| *b = 0);
            for y in rows.clone() {
                for (x, &i) in idx[y * width..(y + 1) * width].iter().enumerate() {
                    if i as usize == color {
                        bits[x] |= 1 << (y - band * 6);
                    }
                }
            }
            if !first {
                out.push('$');
            }
            first = false;
            let _ = write!(out, "#{color}");
            // trailing empty sixels need not be sent
            let end = bits.iter().rposition(|b| *b != 0).map_or(0, |p| p + 1);
            let mut run = (0u8, 0usize);
            for &b in &bits[..end] {
                let ch = 63 + b;
                if ch == run.0 {
                    run.1 += 1;
                } else {
                    push_run(&mut out, run.0, run.1);
                    run = (ch, 1);
                }
            }
            push_run(&mut out, run.0, run.1);
        }
        out.push('-');
    }
    out.push_str("\x1b\\");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal sixel decoder for the tests: palette (percent → 0..255) and pixels.
    fn decode(s: &str) -> (usize, usize, Vec<Rgb>, Vec<Option<Rgb>>) {
        let body = s
            .strip_prefix("\x1bP0;1;0q")
            .and_then(|b| b.strip_suffix("\x1b\\"))
            .expect("DCS q ... ST");
        let b = body.as_bytes();
        let mut i = 0;
        let num = |i: &mut usize| {
            let start = *i;
            while *i < b.len() && b[*i].is_ascii_digit() {
                *i += 1;
            }
            body[start..*i].parse::<usize>().unwrap()
        };
        assert_eq!(b[0], b'"');
        i += 1;
        let mut attrs = vec![];
        for k in 0..4 {
            attrs.push(num(&mut i));
            if k < 3 {
                assert_eq!(b[i], b';');
                i += 1;
            }
        }
        let (w, h) = (attrs[2], attrs[3]);
        let mut palette: HashMap<usize, Rgb> = HashMap::new();
        let mut img = vec![None; w * h];
        let (mut x, mut band, mut color) = (0usize, 0usize, 0usize);
        while i < b.len() {
            match b[i] {
                b'#' => {
                    i += 1;
                    color = num(&mut i);
                    if b.get(i) == Some(&b';') {
                        i += 1;
                        assert_eq!(num(&mut i), 2, "RGB colour space");
                        let mut c = [0u8; 3];
                        for v in &mut c {
                            i += 1;
                            let p = num(&mut i);
                            assert!(p <= 100);
                            *v = ((p * 255 + 50) / 100) as u8;
                        }
                        palette.insert(color, (c[0], c[1], c[2]));
                    }
                }
                b'$' => {
                    x = 0;
                    i += 1;
                }
                b'-' => {
                    x = 0;
                    band += 1;
                    i += 1;
                }
                b'!' => {
                    i += 1;
                    let n = num(&mut i);
                    let ch = b[i] - 63;
                    for _ in 0..n {
                        paint(&mut img, w, h, x, band, ch, palette[&color]);
                        x += 1;
                    }
                    i += 1;
                }
                c @ 63..=126 => {
                    paint(&mut img, w, h, x, band, c - 63, palette[&color]);
                    x += 1;
                    i += 1;
                }
                other => panic!("unexpected byte {other}"),
            }
        }
        let mut pal: Vec<(usize, Rgb)> = palette.into_iter().collect();
        pal.sort();
        (w, h, pal.into_iter().map(|p| p.1).collect(), img)
    }

    fn paint(img: &mut [Option<Rgb>], w: usize, h: usize, x: usize, band: usize, bits: u8, c: Rgb) {
        for k in 0..6 {
            if bits & (1 << k) != 0 {
                let y = band * 6 + k;
                assert!(x < w && y < h, "pixel ({x}, {y}) outside {w} × {h}");
                assert!(img[y * w + x].is_none(), "pixel ({x}, {y}) painted twice");
                img[y * w + x] = Some(c);
            }
        }
    }

    #[test]
    fn tiny_image_round_trips() {
        // 5 × 8: two bands (6 rows + 2 rows); red top rows, blue column, white elsewhere
        let (w, h) = (5, 8);
        let mut want = vec![(255u8, 255u8, 255u8); w * h];
        for x in 0..w {
            want[x] = (255, 0, 0);
            want[w + x] = (255, 0, 0);
        }
        for y in 2..h {
            want[y * w + 4] = (0, 0, 255);
        }
        let rgb: Vec<u8> = want.iter().flat_map(|c| [c.0, c.1, c.2]).collect();
        let s = encode(w, h, &rgb);
        assert!(s.starts_with("\x1bP0;1;0q\"1;1;5;8#0;2;100;0;0#1;2;100;100;100#2;2;0;0;100"));
        assert!(s.ends_with("-\x1b\\"));
        assert_eq!(s.matches('-').count(), 2, "two bands: {s:?}");
        // band 0, red: rows 0 and 1 of all five columns = sixel 63 + 3, run-length coded
        assert!(s.contains("#0!5B"), "{s:?}");
        let (dw, dh, pal, img) = decode(&s);
        assert_eq!((dw, dh), (w, h));
        assert_eq!(pal, vec![(255, 0, 0), (255, 255, 255), (0, 0, 255)]);
        let got: Vec<Rgb> = img
            .into_iter()
            .map(|p| p.expect("every pixel set"))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn many_colours_use_the_fixed_palette() {
        // a 24 × 24 gradient: 576 colours
        let (w, h) = (24, 24);
        let want: Vec<Rgb> = (0..w * h)
            .map(|i| {
                (
                    (i % w * 11) as u8,
                    (i / w * 11) as u8,
                    ((i * 7) % 256) as u8,
                )
            })
            .collect();
        let rgb: Vec<u8> = want.iter().flat_map(|c| [c.0, c.1, c.2]).collect();
        let s = encode(w, h, &rgb);
        let (_, _, pal, img) = decode(&s);
        assert_eq!(pal.len(), MAX_COLORS);
        assert_eq!(pal[..216], fixed_palette()[..216]);
        for (p, c) in img.iter().zip(&want) {
            let p = p.expect("every pixel set");
            // the cube's spacing is 51: at most 26 off per channel
            assert!(dist2(p, *c) <= 3 * 26 * 26, "{p:?} for {c:?}");
        }
        // greys go to the grey ramp, not the coarser cube
        assert_eq!(fixed_index((90, 90, 90)), 216 + 14);
        assert_eq!(fixed_index((255, 0, 0)), 5 * 36);
    }

    #[test]
    fn a_rendered_figure_encodes_whole() {
        let mut f = crate::viz::Figure::new(1);
        f.size = (160, 120);
        f.panels[0].lines.push(crate::viz::Line {
            x: vec![0.0, 1.0],
            y: vec![0.0, 1.0],
            color: (255, 0, 0),
            width: 3,
            label: None,
            dashed: false,
        });
        let rgb = f.render_rgb().unwrap();
        assert_eq!(rgb.len(), 3 * 160 * 120);
        let (w, h, _, img) = decode(&encode(160, 120, &rgb));
        assert_eq!((w, h), (160, 120));
        assert!(img.iter().all(Option::is_some), "every pixel painted");
        let red = img
            .iter()
            .flatten()
            .filter(|c| c.0 > 200 && c.1 < 60 && c.2 < 60)
            .count();
        assert!(red > 50, "the red line shows: {red} red pixels");
    }
}
