//! Insights across submitted answers: the actors they name, the decisions still pending,
//! the dates they give (a timeline) and how plainly they are written (LIX). Pure functions
//! over text; which texts may be read is decided elsewhere (only submitted versions).

pub mod actors;
pub mod dates;
pub mod decisions;
pub mod lix;
pub mod round;
pub mod text;
