package io.ecompipeline.dashboard;

/**
 * A dashboard API request the app cannot answer as asked (a malformed or too long date range, an unknown category):
 * the routes answer it with HTTP 400 and its message as {@code {"error": ...}}, so the page (or a person with curl)
 * sees what to fix rather than a 500 and a stack trace in the log.
 */
public class BadDashboardRequest extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public BadDashboardRequest(String message) {
        super(message);
    }
}
