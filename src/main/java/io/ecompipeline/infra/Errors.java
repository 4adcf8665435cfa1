package io.ecompipeline.infra;

/** Error texts for logs and task results. */
public final class Errors {

    private Errors() {
    }

    /**
     * The error's message followed by each cause's message it does not already contain, e.g.
     * {@code Error pre-parsing resource (while parsing a flow mapping ... line 6, column 11)}.
     */
    public static String withCauses(Throwable error) {
        StringBuilder text = new StringBuilder(String.valueOf(error.getMessage()));
        for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && text.indexOf(cause.getMessage()) < 0) {
                text.append(" (").append(cause.getMessage()).append(')');
            }
        }
        return text.toString();
    }
}
