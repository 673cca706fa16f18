package dev.apikey;

/**
 * The text rules of a record's names, labels and description: bounded, and free of characters that split log lines
 * or disguise text in terminals. Shared by {@link KeyRecord} and {@link KeyRequest}, so both refuse the same values.
 */
final class RecordText {
    private RecordText() {
    }

    static void checkName(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidConfigurationException(field + " is required");
        }
        if (value.length() > 128) {
            throw new InvalidConfigurationException(field + " must be at most 128 chars, got " + value.length());
        }
        String unsafe = unsafeChars(value);
        if (unsafe != null) {
            throw new InvalidConfigurationException(field + " '" + Text.safe(value) + "' contains " + unsafe);
        }
    }

    /**
     * Checks a description: not blank, at most {@value KeyRecord#MAX_DESCRIPTION} chars, no control, bidirectional-control or
     * unpaired surrogate characters (it is shown in admin listings, review tables and terminals).
     */
    static void checkDescription(String value) {
        if (value.isBlank()) {
            throw new InvalidConfigurationException("description must not be blank; leave it out instead");
        }
        if (value.length() > KeyRecord.MAX_DESCRIPTION) {
            throw new InvalidConfigurationException("description must be at most " + KeyRecord.MAX_DESCRIPTION + " chars, got "
                    + value.length());
        }
        String unsafe = unsafeChars(value);
        if (unsafe != null) {
            throw new InvalidConfigurationException("description contains " + unsafe);
        }
    }

    static void checkLabel(String name, String value) {
        checkName(name, "label name");
        if (value == null || value.length() > 256 || unsafeChars(value) != null) {
            throw new InvalidConfigurationException("label '" + Text.safe(name)
                    + "' value must be at most 256 chars without control, bidirectional-control or unpaired surrogate characters");
        }
    }

    /**
     * What makes {@code s} unfit for a name shown in admin listings, logs and terminals, or {@code null}: control
     * characters (they split or forge lines), bidirectional controls (they make {@code ops\u202Eexe.gnp} read as
     * {@code opsgnp.exe}, Trojan Source) and unpaired surrogates (not text at all; encoders replace or reject them,
     * so two systems would disagree about the name).
     */
    private static String unsafeChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                return "control characters";
            }
            if ((c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\u200e' || c == '\u200f'
                    || c == '\u061c') {
                return "bidirectional control characters";
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "an unpaired surrogate";
            }
        }
        return null;
    }
}
