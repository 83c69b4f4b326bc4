"""Pure text/JSON views of readings: `status`, waybar, doctor's findings."""
