//! A survey's `appearance` (SPEC 3.4): where the pop-up sits, its accent colour, logo and
//! branding, set for the site and replaced field by field per survey.

use super::reader::Object;
use crate::core::json_path::PathError;

const APPEARANCE_KEYS: [&str; 4] = ["position", "accent", "logo", "branding"];

/// Where the pop-up sits on a wide screen (below 600 px wide it is always a bottom sheet).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Position {
    /// The bottom right corner.
    #[default]
    BottomRight,
    /// The bottom left corner.
    BottomLeft,
    /// Centred at the bottom.
    BottomCenter,
    /// The middle of the screen.
    Center,
}

impl Position {
    /// Every position, in the order the config documents them.
    pub const ALL: [Position; 4] = [
        Position::BottomRight,
        Position::BottomLeft,
        Position::BottomCenter,
        Position::Center,
    ];

    /// The position named `key` in config.
    pub fn from_key(key: &str) -> Option<Position> {
        Position::ALL
            .into_iter()
            .find(|position| position.key() == key)
    }

    /// The position's name in config (also the pop-up's `data-position`).
    pub fn key(self) -> &'static str {
        match self {
            Position::BottomRight => "bottom-right",
            Position::BottomLeft => "bottom-left",
            Position::BottomCenter => "bottom-center",
            Position::Center => "center",
        }
    }
}

/// How a survey's pop-up looks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Appearance {
    /// Where it sits.
    pub position: Position,
    /// The accent colour (a CSS colour) of the chosen score, the button and focus rings;
    /// `None`: the stylesheet's (which follows the visitor's dark mode).
    pub accent: Option<String>,
    /// An `https` URL of the site's logo, shown beside the company's name.
    pub logo: Option<String>,
    /// Show "Powered by survey-widget" under the survey.
    pub branding: bool,
}

impl Appearance {
    /// The text colour on the accent: dark on a light hex accent, else white (the stylesheet's
    /// default pairs its own accent with its own text colour).
    pub fn accent_text(&self) -> &'static str {
        let channels = self.accent.as_deref().and_then(hex_channels);
        match channels {
            Some([r, g, b]) if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.55 => "#111327",
            _ => "#ffffff",
        }
    }
}

/// The red, green and blue of a `#rgb(a)` / `#rrggbb(aa)` colour, each 0-1 (gamma-encoded).
fn hex_channels(colour: &str) -> Option<[f64; 3]> {
    let hex = colour.strip_prefix('#')?;
    let width = if hex.len() <= 4 { 1 } else { 2 };
    let channel = |i: usize| {
        let digits = hex.get(i * width..(i + 1) * width)?;
        let value = f64::from(u8::from_str_radix(digits, 16).ok()?);
        Some(if width == 1 {
            value / 15.0
        } else {
            value / 255.0
        })
    };
    Some([channel(0)?, channel(1)?, channel(2)?])
}

/// An `appearance` object: each field it sets replaces the one of `base`.
pub(super) fn parse_appearance(
    object: &Object,
    base: &Appearance,
) -> Result<Appearance, PathError> {
    object.only(&APPEARANCE_KEYS)?;
    let position = object.checked(
        "position",
        |name| Position::from_key(name).is_some(),
        "must be bottom-right, bottom-left, bottom-center or center",
    )?;
    let accent = object.checked(
        "accent",
        is_css_colour,
        "must be a CSS colour (e.g. #0a7d4f, rgb(10 125 79) or teal)",
    )?;
    let logo = object.checked(
        "logo",
        |url| url.len() > "https://".len() && url.starts_with("https://") && !url.contains(' '),
        "must be an https URL",
    )?;
    Ok(Appearance {
        position: position
            .and_then(|name| Position::from_key(&name))
            .unwrap_or(base.position),
        accent: accent.or_else(|| base.accent.clone()),
        logo: logo.or_else(|| base.logo.clone()),
        branding: object.boolean("branding", base.branding)?,
    })
}

/// Whether `text` is a CSS colour: `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, a colour function
/// (`rgb()`, `hsl()`, `oklch()`, ...) of numbers, or a colour keyword. Only these characters
/// reach the stylesheet, so an accent can never close the declaration it is set in.
pub fn is_css_colour(text: &str) -> bool {
    const FUNCTIONS: [&str; 9] = [
        "rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch",
    ];
    if let Some(hex) = text.strip_prefix('#') {
        return [3, 4, 6, 8].contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    if let Some((name, rest)) = text.split_once('(') {
        let Some(arguments) = rest.strip_suffix(')') else {
            return false;
        };
        return FUNCTIONS.contains(&name.to_ascii_lowercase().as_str())
            && !arguments.trim().is_empty()
            && arguments
                .chars()
                .all(|c| c.is_ascii_digit() || " .,%/+-".contains(c) || "degturnnone".contains(c));
    }
    (3..=20).contains(&text.len()) && text.chars().all(|c| c.is_ascii_alphabetic())
}
