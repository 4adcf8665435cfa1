package io.ecompipeline.support;

import java.util.Map;
import java.util.TreeMap;

/** The Prometheus text format as the tests read it: each series (name with its labels) and its value. */
public final class PrometheusText {

    private PrometheusText() {
    }

    public static Map<String, Double> parse(String text) {
        Map<String, Double> series = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            series.put(line.substring(0, space), Double.valueOf(line.substring(space + 1)));
        }
        return series;
    }
}
