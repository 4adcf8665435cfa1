package io.ecompipeline.observe;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import io.ecompipeline.common.StartupException;
import org.jolokia.server.core.restrictor.policy.PolicyRestrictor;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The Jolokia access policy of this run: {@code jolokia-access.xml} (read-only: reads, lists and the route dumps a
 * console needs; no operation that evaluates URIs, expressions or placeholders; strict CORS), plus route
 * start/stop/suspend/resume, log level changes ({@link LoggingLevels}) and the KPI recompute when a login protects
 * Jolokia, plus the
 * browser origins an operator allows. Built here
 * because Jolokia reads its policy from one document, and these two parts depend on the configuration.
 */
public final class JolokiaPolicy {

    static final String BASE = "/jolokia-access.xml";
    /** The route MBeans, as the base policy names them. */
    static final String ROUTES = "org.apache.camel:context=*,type=routes,name=*";
    /** What a logged-in operator may do to a route beyond reading it. */
    static final List<String> ROUTE_CONTROL = List.of("start()", "stop()", "suspend()", "resume()");

    /** The app's log levels MBean ({@link LoggingLevels}), as the base policy names it. */
    static final String LOGGING = LoggingLevels.NAME;
    /** What a logged-in operator may do to the log levels beyond reading them. */
    static final List<String> LOGGING_CONTROL = List.of("setLevel");

    /** The KPI recompute MBean (orchestrate/RecomputeOperation), by name: orchestrate depends on this package. */
    static final String RECOMPUTE = "io.ecompipeline:type=Recompute";
    /** What a logged-in operator may do with it: re-derive a date range's KPIs (it writes DynamoDB, under the lease). */
    static final List<String> RECOMPUTE_CONTROL = List.of("recompute");

    /** scheme://host[:port], host and port may hold Jolokia's * wildcard. */
    private static final Pattern ORIGIN = Pattern.compile("(?i)https?://[a-z0-9.*\\[\\]:-]+(:(\\d+|\\*))?");

    private final byte[] xml;

    private JolokiaPolicy(byte[] xml) {
        this.xml = xml;
    }

    /**
     * @param routeControl whether route start/stop/suspend/resume and log level changes are allowed (only behind a
     *        login)
     * @param allowedOrigins origins whose pages may call Jolokia (e.g. {@code http://127.0.0.1:8090}, Hawtio)
     */
    public static JolokiaPolicy of(boolean routeControl, List<String> allowedOrigins) {
        Document policy = base();
        if (routeControl) {
            Element routes = allowedMBean(policy, ROUTES);
            for (String operation : ROUTE_CONTROL) {
                child(routes, "operation", operation);
            }
            Element logging = allowedMBean(policy, LOGGING);
            for (String operation : LOGGING_CONTROL) {
                child(logging, "operation", operation);
            }
            Element recompute = allowedMBean(policy, RECOMPUTE);
            for (String operation : RECOMPUTE_CONTROL) {
                child(recompute, "operation", operation);
            }
        }
        Element cors = (Element) policy.getElementsByTagName("cors").item(0);
        for (String origin : allowedOrigins) {
            if (!ORIGIN.matcher(origin).matches()) {
                throw new StartupException("pipeline.management.allowed-origins: '" + origin + "' is not an origin "
                        + "such as http://127.0.0.1:8090 (scheme://host[:port], no path)", null);
            }
            cors.insertBefore(text(policy, "allow-origin", origin), cors.getFirstChild());
        }
        return new JolokiaPolicy(serialize(policy));
    }

    public PolicyRestrictor restrictor() {
        return new PolicyRestrictor(new ByteArrayInputStream(xml));
    }

    /** The policy document, for tests and curious operators. */
    public String xml() {
        return new String(xml, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Document base() {
        try (InputStream in = JolokiaPolicy.class.getResourceAsStream(BASE)) {
            if (in == null) {
                throw new IllegalStateException(BASE + " is missing from the classpath");
            }
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read " + BASE, e);
        }
    }

    /** The {@code <mbean>} of {@code <allow>} with this name: Jolokia keeps one entry per name, the last it reads. */
    private static Element allowedMBean(Document policy, String name) {
        NodeList mbeans = ((Element) policy.getElementsByTagName("allow").item(0)).getElementsByTagName("mbean");
        for (int i = 0; i < mbeans.getLength(); i++) {
            Element mbean = (Element) mbeans.item(i);
            if (name.equals(mbean.getElementsByTagName("name").item(0).getTextContent().trim())) {
                return mbean;
            }
        }
        throw new IllegalStateException(BASE + " has no <allow> entry for " + name);
    }

    private static void child(Element parent, String tag, String content) {
        parent.appendChild(text(parent.getOwnerDocument(), tag, content));
    }

    private static Node text(Document document, String tag, String content) {
        Element element = document.createElement(tag);
        element.setTextContent(content);
        return element;
    }

    private static byte[] serialize(Document policy) {
        try {
            var transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            transformer.transform(new DOMSource(policy), new StreamResult(out));
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot write the Jolokia policy", e);
        }
    }
}
