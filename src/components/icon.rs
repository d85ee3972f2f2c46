//! Inline SVG icons from the Lucide set (ISC licence), through the `icondata_lu` crate.
use leptos::prelude::*;
use leptos::svg;

pub use icondata_core::Icon as IconData;
pub use icondata_lu::{
    LuCheck as CHECK, LuChevronLeft as PREVIOUS, LuChevronRight as NEXT, LuCopy as COPY,
    LuExternalLink as EXTERNAL_LINK, LuEye as REVEAL, LuEyeOff as HIDE, LuLogOut as SIGN_OUT,
    LuPause as PAUSE, LuPlus as ADD, LuRefreshCw as REGENERATE, LuTrash2 as REMOVE,
    LuTriangleAlert as WARNING,
};

/// A decorative icon: hidden from assistive technology (the control it sits in carries the
/// words), sized to the text, drawn in the text's colour.
#[component]
pub fn Icon(
    /// Which icon.
    icon: IconData,
) -> impl IntoView {
    svg::svg()
        .attr("class", "icon")
        .attr("aria-hidden", "true")
        .attr("focusable", "false")
        .attr("width", "1em")
        .attr("height", "1em")
        .attr("viewBox", icon.view_box)
        .attr("stroke-linecap", icon.stroke_linecap)
        .attr("stroke-linejoin", icon.stroke_linejoin)
        .attr("stroke-width", icon.stroke_width)
        .attr("stroke", icon.stroke)
        .attr("fill", icon.fill.unwrap_or("currentColor"))
        // One node, so that hydration finds exactly what the server rendered (an icon's
        // data may hold several shapes).
        .child(svg::InertElement::new(format!("<g>{}</g>", icon.data)))
}
