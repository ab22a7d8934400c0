// Loads ontology files the way Protégé does (the OWL API, here Debian's libowlapi-java 5.1.x) and reports what
// a Protégé user would see as errors: parse failures, triples the parser could not turn into axioms, declarations
// it had to guess, entities used without a declaration, and OWL 2 DL profile violations.
//
// Usage: java -cp <owlapi classpath>:<dir> OwlCheck FILE...
// Output, per file: detail lines (UNPARSED / GUESSED / UNDECLARED / VIOLATION ...), then one summary line
//   RESULT file=<path> format=<format> axioms=<n> unparsed=<n> guessed=<n> undeclared=<n> dl_violations=<n>
// or "RESULT file=<path> error=<message>" when the file cannot be loaded at all. Exit code 0 unless loading crashed.
// Compiled by tests/test_ontology_owlapi.py with javac into a temporary folder.

import java.io.File;
import java.util.ArrayList;
import java.util.List;

import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.io.OWLOntologyLoaderMetaData;
import org.semanticweb.owlapi.model.EntityType;
import org.semanticweb.owlapi.model.IRI;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.OWLDocumentFormat;
import org.semanticweb.owlapi.model.OWLEntity;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public final class OwlCheck {

    private OwlCheck() {
    }

    public static void main(String[] args) {
        for (String path : args) {
            check(path);
        }
    }

    private static String oneLine(Object o) {
        return String.valueOf(o).replaceAll("\\s+", " ");
    }

    private static void check(String path) {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration()
                .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT);
        OWLOntology ontology;
        try {
            ontology = manager.loadOntologyFromOntologyDocument(new FileDocumentSource(new File(path)), config);
        } catch (Exception e) {
            System.out.println("RESULT file=" + path + " error=" + oneLine(e.getMessage()));
            return;
        }
        OWLDocumentFormat format = ontology.getFormat();
        int unparsed = 0;
        int guessed = 0;
        if (format != null && format.getOntologyLoaderMetaData().isPresent()) {
            OWLOntologyLoaderMetaData meta = format.getOntologyLoaderMetaData().get();
            List<Object> triples = new ArrayList<>();
            meta.getUnparsedTriples().forEach(triples::add);
            for (Object t : triples) {
                System.out.println("UNPARSED " + oneLine(t));
            }
            unparsed = triples.size();
            for (IRI iri : meta.getGuessedDeclarations().keySet()) {
                System.out.println("GUESSED " + iri + " as " + meta.getGuessedDeclarations().get(iri));
                guessed++;
            }
        }
        int undeclared = 0;
        for (OWLEntity entity : (Iterable<OWLEntity>) ontology.signature()::iterator) {
            if (entity.isBuiltIn() || entity.getEntityType() == EntityType.NAMED_INDIVIDUAL) {
                continue;  // OWL 2 DL lets individuals (owl:sameAs targets) go undeclared
            }
            if (!ontology.isDeclared(entity)) {
                System.out.println("UNDECLARED " + entity.getEntityType() + " " + entity.getIRI());
                undeclared++;
            }
        }
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        for (OWLProfileViolation v : report.getViolations()) {
            System.out.println("VIOLATION " + v.getClass().getSimpleName() + ": " + oneLine(v));
        }
        System.out.println("RESULT file=" + path + " format=" + oneLine(format).replace(' ', '_')
                + " axioms=" + ontology.getAxiomCount() + " unparsed=" + unparsed + " guessed=" + guessed
                + " undeclared=" + undeclared + " dl_violations=" + report.getViolations().size());
    }
}
