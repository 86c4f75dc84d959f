package io.tally.payments.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;

/**
 * Verifies an ES256 JWS whose {@code x5c} header carries its certificate chain (leaf, intermediate, root), the way
 * Apple signs App Store payloads: the chain must validate (PKIX) up to the configured root, and the JWS must be
 * signed by the leaf's key. With {@code requireAppleExtensions}, the leaf and intermediate must carry Apple's marker
 * extensions, as Apple's own library requires.
 */
final class X5cChain {

    static final String APPLE_LEAF_OID = "1.2.840.113635.100.6.11.1";
    static final String APPLE_INTERMEDIATE_OID = "1.2.840.113635.100.6.2.1";

    private final X509Certificate root;
    private final boolean requireAppleExtensions;

    X5cChain(Optional<String> rootLocation, boolean requireAppleExtensions) {
        this.root = rootLocation.map(X5cChain::load).orElse(null);
        this.requireAppleExtensions = requireAppleExtensions;
    }

    String verifiedPayload(String compactJws, Instant at) {
        if (root == null) {
            throw WebhookRejected.signature("no root certificate is configured for this provider");
        }
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setCompactSerialization(compactJws);
            jws.setAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                    AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256));
            // x5c must be three base64 strings before jose4j reads it: anything else in an unauthenticated header
            // is the sender's mistake or probe, answered 400, never an exception from deep inside a library.
            if (!(jws.getHeaders().getObjectHeaderValue("x5c") instanceof List<?> x5c) || x5c.size() != 3
                    || !x5c.stream().allMatch(String.class::isInstance)) {
                throw WebhookRejected.signature("the x5c header must hold leaf, intermediate and root, as strings");
            }
            List<X509Certificate> chain = jws.getCertificateChainHeaderValue();
            validate(chain, at);
            jws.setKey(chain.get(0).getPublicKey());
            if (!jws.verifySignature()) {
                throw WebhookRejected.signature("the JWS signature does not verify with the leaf certificate");
            }
            return jws.getPayload();
        } catch (JoseException | IllegalArgumentException | ClassCastException e) {
            throw WebhookRejected.signature("not a valid JWS: " + e.getMessage());
        }
    }

    private void validate(List<X509Certificate> chain, Instant at) {
        if (requireAppleExtensions && (chain.get(0).getExtensionValue(APPLE_LEAF_OID) == null
                || chain.get(1).getExtensionValue(APPLE_INTERMEDIATE_OID) == null)) {
            throw WebhookRejected.signature("the certificates lack Apple's marker extensions");
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
            // App Store certificates carry no reachable revocation endpoint here; Apple's library checks OCSP
            // online. The chain, validity dates and signature are all checked.
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(at));
            CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(chain.subList(0, 2)), parameters);
        } catch (GeneralSecurityException e) {
            throw WebhookRejected.signature("the certificate chain does not lead to the configured root: "
                    + e.getMessage());
        }
    }

    private static X509Certificate load(String location) {
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the root certificate at " + location, e);
        }
    }
}
