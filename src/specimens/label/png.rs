//! PNG labels: a 1-bit image at the printer's resolution (one pixel per dot, the dpi recorded in the
//! file), bars copied row by row, text from the built-in font. Thermal printers print black or
//! nothing, so one bit per dot loses nothing and keeps files small.

use super::LabelError;
use super::font;
use super::layout::Layout;

/// A 1-bit image, rows packed MSB first, 1 = white (PNG grayscale's convention).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitmap {
    width: u32,
    height: u32,
    stride: usize,
    bits: Vec<u8>,
}

impl Bitmap {
    fn white(width: u32, height: u32) -> Self {
        let stride = width.div_ceil(8) as usize;
        Bitmap {
            width,
            height,
            stride,
            bits: vec![0xFF; stride * height as usize],
        }
    }

    pub fn is_black(&self, x: u32, y: u32) -> bool {
        let byte = self.bits[y as usize * self.stride + (x / 8) as usize];
        byte & (0x80 >> (x % 8)) == 0
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    /// Blackens `[x, x + w)` on row `y`, whole bytes at a time in the middle.
    fn span(&mut self, x: u32, y: u32, w: u32) {
        let row = &mut self.bits[y as usize * self.stride..][..self.stride];
        let (mut x, end) = (x, (x + w).min(self.width));
        while x < end && x % 8 != 0 {
            row[(x / 8) as usize] &= !(0x80 >> (x % 8));
            x += 1;
        }
        while x + 8 <= end {
            row[(x / 8) as usize] = 0;
            x += 8;
        }
        while x < end {
            row[(x / 8) as usize] &= !(0x80 >> (x % 8));
            x += 1;
        }
    }
}

/// Draws the label dot for dot.
pub fn rasterize(layout: &Layout) -> Bitmap {
    let mut bitmap = Bitmap::white(layout.width, layout.height);
    let bar = &layout.barcode;
    // Every row of the symbol is the same: draw one, copy it down.
    for (x, w) in bar.bars() {
        bitmap.span(x, bar.y, w);
    }
    let stride = bitmap.stride;
    let first = bar.y as usize * stride;
    for row in 1..bar.height as usize {
        bitmap
            .bits
            .copy_within(first..first + stride, first + row * stride);
    }
    for line in &layout.lines {
        let s = line.scale;
        font::for_each_pixel(&line.text, |fx, fy| {
            for dy in 0..s {
                let y = line.y + fy * s + dy;
                if y < bitmap.height {
                    bitmap.span(line.x + fx * s, y, s);
                }
            }
        });
    }
    bitmap
}

/// The label as a PNG file.
pub fn render_png(layout: &Layout) -> Result<Vec<u8>, LabelError> {
    encode(&rasterize(layout), layout.dpi.dots_per_inch())
}

fn encode(bitmap: &Bitmap, dpi: u32) -> Result<Vec<u8>, LabelError> {
    let failed = |e: png::EncodingError| LabelError::Encoding(e.to_string());
    // Labels compress to a few kilobytes: bar rows repeat (the Up filter turns them into zeros).
    let mut out = Vec::with_capacity(bitmap.bits.len() / 4 + 128);
    let mut encoder = png::Encoder::new(&mut out, bitmap.width, bitmap.height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::Filter::Up);
    encoder.set_pixel_dims(Some(png::PixelDimensions {
        // dots per inch as PNG's dots per metre
        xppu: (f64::from(dpi) / 0.0254).round() as u32,
        yppu: (f64::from(dpi) / 0.0254).round() as u32,
        unit: png::Unit::Meter,
    }));
    let mut writer = encoder.write_header().map_err(failed)?;
    writer.write_image_data(&bitmap.bits).map_err(failed)?;
    writer.finish().map_err(failed)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::specimens::label::data::tests::fields;
    use crate::specimens::label::layout::QUIET_MODULES;
    use crate::specimens::label::{Dpi, LabelData, LabelSpec};

    fn layout(dpi: Dpi) -> Layout {
        let data = LabelData::new(fields("S26-00000179")).unwrap();
        Layout::new(&data, &LabelSpec::two_by_one(dpi)).unwrap()
    }

    #[test]
    fn every_bar_row_reproduces_the_symbol_module_for_module() {
        for dpi in [Dpi::D203, Dpi::D300] {
            let l = layout(dpi);
            let b = &l.barcode;
            let bitmap = rasterize(&l);
            let mut want = vec![false; l.width as usize];
            for (x, w) in b.bars() {
                want[x as usize..(x + w) as usize].fill(true);
            }
            for y in [b.y, b.y + b.height / 2, b.y + b.height - 1] {
                let row: Vec<bool> = (0..l.width).map(|x| bitmap.is_black(x, y)).collect();
                assert_eq!(row, want, "{dpi:?} row {y}");
            }
            // The quiet zones are white, and nothing is drawn above or beside the bars.
            let quiet = QUIET_MODULES * b.module;
            assert!((b.x - quiet..b.x).all(|x| !bitmap.is_black(x, b.y)));
            let end = b.x + b.width();
            assert!((end..end + quiet).all(|x| !bitmap.is_black(x, b.y)));
            assert!((0..l.width).all(|x| !bitmap.is_black(x, b.y - 1)));
        }
    }

    #[test]
    fn text_is_drawn_below_the_bars_with_square_font_pixels() {
        let l = layout(Dpi::D203);
        let bitmap = rasterize(&l);
        let line = &l.lines[1]; // "DOE, JANE": the top row of 'D' is three pixels, then white
        let s = line.scale;
        for x in line.x..line.x + 3 * s {
            for y in line.y..line.y + s {
                assert!(bitmap.is_black(x, y), "({x},{y})");
            }
        }
        assert!(!bitmap.is_black(line.x + 3 * s, line.y));
    }

    #[test]
    fn png_carries_size_depth_and_dpi() {
        let bytes = render_png(&layout(Dpi::D300)).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert_eq!((info.width, info.height), (600, 300));
        assert_eq!(info.bit_depth, png::BitDepth::One);
        assert_eq!(info.pixel_dims.unwrap().xppu, 11811);
    }

    #[test]
    fn spans_cover_exactly_their_dots_across_byte_boundaries() {
        let mut bitmap = Bitmap::white(40, 1);
        bitmap.span(3, 0, 22);
        let black: Vec<u32> = (0..40).filter(|&x| bitmap.is_black(x, 0)).collect();
        assert_eq!(black, (3..25).collect::<Vec<_>>());
        bitmap.span(38, 0, 10); // clipped at the right edge
        assert!(bitmap.is_black(39, 0));
    }
}
