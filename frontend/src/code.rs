//! The six boxes of a code input as plain data: what typing, deleting and pasting do to them. The
//! `CodeInput` component only moves focus and forwards events here, so this is tested natively.

use shared::domain::OTP_CODE_LEN;

/// One string per box, each empty or a single ASCII digit.
pub type CodeBoxes = [String; OTP_CODE_LEN];

/// The digits of typed, pasted or autofilled text, at most six: "123 456", "123-456" and
/// "Your code: 123456" all give "123456"; letters and other characters are dropped.
pub fn digits_of(text: &str) -> Vec<char> {
    text.chars()
        .filter(char::is_ascii_digit)
        .take(OTP_CODE_LEN)
        .collect()
}

/// Boxes filled from the start with the digits of `text` (a code from a link or the clipboard).
pub fn boxes_from(text: &str) -> CodeBoxes {
    let mut boxes = CodeBoxes::default();
    for (slot, digit) in boxes.iter_mut().zip(digits_of(text)) {
        *slot = digit.to_string();
    }
    boxes
}

/// The code as typed so far (empty boxes are skipped).
pub fn joined(boxes: &CodeBoxes) -> String {
    boxes.concat()
}

/// Text pasted into box `at`: a whole code fills every box whichever box had focus; a few digits fill
/// from `at` onwards. Returns the new boxes and the box to focus next.
pub fn paste(boxes: &CodeBoxes, at: usize, text: &str) -> (CodeBoxes, usize) {
    let digits = digits_of(text);
    if digits.is_empty() {
        return (boxes.clone(), at);
    }
    let start = if digits.len() == OTP_CODE_LEN { 0 } else { at };
    let mut next = boxes.clone();
    let mut last = start;
    for (i, digit) in (start..OTP_CODE_LEN).zip(digits) {
        next[i] = digit.to_string();
        last = i;
    }
    let focus = (last + 1).min(OTP_CODE_LEN - 1);
    (next, focus)
}

/// Box `at` now reads `value` (what the browser put in it after a keystroke or an autofill). One new
/// digit replaces the box and moves on; several digits (autofill, a fast typist) spill over like a
/// paste; an emptied box stays where it is; anything else is refused and the box keeps its digit.
pub fn type_into(boxes: &CodeBoxes, at: usize, value: &str) -> (CodeBoxes, usize) {
    let digits = digits_of(value);
    let mut next = boxes.clone();
    if value.is_empty() {
        next[at].clear();
        return (next, at);
    }
    let old = boxes[at].chars().next();
    let typed = match (digits.as_slice(), old) {
        ([], _) => return (next, at),
        ([d], _) => Some(*d),
        // The box held a digit and one more was typed before or after it: keep the new one.
        ([a, b], Some(o)) if *a == o => Some(*b),
        ([a, b], Some(o)) if *b == o => Some(*a),
        _ => None,
    };
    match typed {
        Some(d) => {
            next[at] = d.to_string();
            (next, (at + 1).min(OTP_CODE_LEN - 1))
        }
        None => paste(boxes, at, value),
    }
}

/// Backspace in box `at`: an empty box clears the one before it and moves there.
pub fn backspace(boxes: &CodeBoxes, at: usize) -> (CodeBoxes, usize) {
    let mut next = boxes.clone();
    if !next[at].is_empty() || at == 0 {
        next[at].clear();
        return (next, at);
    }
    next[at - 1].clear();
    (next, at - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> CodeBoxes {
        // "12_4__" → boxes with blanks where the underscores are.
        let mut boxes = CodeBoxes::default();
        for (slot, c) in boxes.iter_mut().zip(s.chars()) {
            if c != '_' {
                *slot = c.to_string();
            }
        }
        boxes
    }

    #[test]
    fn pasted_text_is_reduced_to_its_digits() {
        assert_eq!(digits_of("123 456"), ['1', '2', '3', '4', '5', '6']);
        assert_eq!(digits_of("123-456"), ['1', '2', '3', '4', '5', '6']);
        assert_eq!(
            digits_of(" Your code: 042917\n"),
            ['0', '4', '2', '9', '1', '7']
        );
        assert_eq!(digits_of("12345678"), ['1', '2', '3', '4', '5', '6']);
        assert!(digits_of("abc").is_empty());
        // Only ASCII digits: full-width digits are not a code.
        assert!(digits_of("１２３").is_empty());
    }

    #[test]
    fn a_whole_pasted_code_fills_every_box_from_any_box() {
        for at in 0..OTP_CODE_LEN {
            let (boxes, focus) = paste(&b("______"), at, "042 917");
            assert_eq!(joined(&boxes), "042917");
            assert!(boxes.iter().all(|b| b.len() == 1));
            assert_eq!(focus, 5);
        }
    }

    #[test]
    fn a_partial_paste_fills_from_the_focused_box() {
        let (boxes, focus) = paste(&b("1_____"), 1, "23");
        assert_eq!(boxes, b("123___"));
        assert_eq!(focus, 3);
        let (boxes, focus) = paste(&b("______"), 4, "789");
        assert_eq!(boxes, b("____78"));
        assert_eq!(focus, 5);
    }

    #[test]
    fn pasting_text_without_digits_changes_nothing() {
        let (boxes, focus) = paste(&b("12____"), 2, "hello");
        assert_eq!(boxes, b("12____"));
        assert_eq!(focus, 2);
    }

    #[test]
    fn typing_a_digit_fills_the_box_and_moves_on() {
        let (boxes, focus) = type_into(&b("______"), 0, "4");
        assert_eq!(boxes, b("4_____"));
        assert_eq!(focus, 1);
        let (boxes, focus) = type_into(&b("12345_"), 5, "6");
        assert_eq!(joined(&boxes), "123456");
        assert_eq!(focus, 5);
    }

    #[test]
    fn typing_over_a_digit_keeps_the_new_one() {
        assert_eq!(type_into(&b("1_____"), 0, "17").0, b("7_____"));
        assert_eq!(type_into(&b("1_____"), 0, "71").0, b("7_____"));
    }

    #[test]
    fn letters_are_refused_and_the_box_keeps_its_digit() {
        let (boxes, focus) = type_into(&b("3_____"), 0, "3a");
        assert_eq!(boxes, b("3_____"));
        assert_eq!(focus, 1);
        let (boxes, focus) = type_into(&b("3_____"), 1, "x");
        assert_eq!(boxes, b("3_____"));
        assert_eq!(focus, 1);
    }

    #[test]
    fn an_autofilled_code_spills_over_every_box() {
        let (boxes, focus) = type_into(&b("______"), 0, "042917");
        assert_eq!(joined(&boxes), "042917");
        assert_eq!(focus, 5);
    }

    #[test]
    fn backspace_on_an_empty_box_clears_the_previous_one() {
        assert_eq!(backspace(&b("123___"), 3), (b("12____"), 2));
        assert_eq!(backspace(&b("123___"), 2), (b("12____"), 2));
        assert_eq!(backspace(&b("______"), 0), (b("______"), 0));
    }

    #[test]
    fn a_code_from_a_link_prefills_the_boxes() {
        assert_eq!(joined(&boxes_from("042917")), "042917");
        assert_eq!(boxes_from("04"), b("04____"));
        assert_eq!(boxes_from(""), b("______"));
    }
}
