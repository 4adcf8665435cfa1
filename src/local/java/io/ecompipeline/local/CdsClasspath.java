package io.ecompipeline.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * Writes the class path {@code bin/ecom-pipeline} runs with, in a form the JVM's class data sharing (AppCDS) accepts:
 * only jar files. A dynamic CDS archive keeps the classes of one run parsed and verified, so the next runs load them
 * from a memory-mapped file instead: a third to a half of the start-up's CPU time (embedded servers, Camel) on 2 cores.
 * The JVM refuses to archive a class path holding a non-empty folder: a dependency whose manifest adds a folder to
 * the class path (DynamoDB Local's {@code Class-Path: .}, whose other entries do not exist in the Maven repository) is
 * copied without its {@code Class-Path}, and a class folder, should one be given, becomes a jar ({@code bin/} runs the
 * built jars, which need no such copy).
 * <p>
 * Usage: {@code CdsClasspath OUT_DIR CLASSPATH_ENTRY...}; prints the new class path.
 */
public final class CdsClasspath {

    private CdsClasspath() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Files.createDirectories(Path.of(args[0]));
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (int i = 1; i < args.length; i++) {
            for (String entry : args[i].split(java.io.File.pathSeparator)) {
                if (entry.isBlank()) {
                    continue;
                }
                Path path = Path.of(entry);
                n++;
                if (Files.isDirectory(path)) {
                    entries.add(jarOf(path, out.resolve(n + "-" + path.getFileName() + ".jar")).toString());
                } else if (entry.endsWith(".jar") && hasClassPath(path)) {
                    entries.add(withoutClassPath(path, out.resolve(n + "-" + path.getFileName())).toString());
                } else {
                    entries.add(entry);
                }
            }
        }
        System.out.print(String.join(java.io.File.pathSeparator, entries));
    }

    private static boolean hasClassPath(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            return manifest != null && manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH) != null;
        }
    }

    private static Path jarOf(Path folder, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(folder)) {
            for (Path file : (Iterable<Path>) files.sorted()::iterator) {
                String name = folder.relativize(file).toString().replace(java.io.File.separatorChar, '/');
                if (name.isEmpty()) {
                    continue;
                }
                if (Files.isDirectory(file)) {
                    out.putNextEntry(new JarEntry(name + "/"));
                } else {
                    out.putNextEntry(new JarEntry(name));
                    Files.copy(file, out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }

    private static Path withoutClassPath(Path source, Path jar) throws IOException {
        try (JarFile in = new JarFile(source.toFile());
                JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().remove(Attributes.Name.CLASS_PATH);
            out.putNextEntry(new ZipEntry(JarFile.MANIFEST_NAME));
            manifest.write(out);
            out.closeEntry();
            for (Enumeration<JarEntry> e = in.entries(); e.hasMoreElements();) {
                JarEntry entry = e.nextElement();
                String name = entry.getName().toUpperCase(java.util.Locale.ROOT);
                // the manifest is rewritten; a signature would no longer match it
                if (name.equals(JarFile.MANIFEST_NAME) || name.startsWith("META-INF/") && (name.endsWith(".SF")
                        || name.endsWith(".RSA") || name.endsWith(".DSA") || name.endsWith(".EC"))) {
                    continue;
                }
                out.putNextEntry(new JarEntry(entry.getName()));
                try (InputStream data = in.getInputStream(entry)) {
                    data.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }
}
