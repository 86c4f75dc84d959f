package io.tally.payments;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A certificate with its private key, and the little PKI the Apple tests build: root → intermediate → leaf. */
record TestCertificates(X509Certificate certificate, PrivateKey key) {

    static final String APPLE_LEAF_OID = "1.2.840.113635.100.6.11.1";
    static final String APPLE_INTERMEDIATE_OID = "1.2.840.113635.100.6.2.1";
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    static TestCertificates root(String name) {
        KeyPair keys = ecKeys();
        return new TestCertificates(issue(name, keys, name, keys.getPrivate(), true, null, Instant.now().plus(3650, ChronoUnit.DAYS)),
                keys.getPrivate());
    }

    TestCertificates issueIntermediate(String name) {
        KeyPair keys = ecKeys();
        return new TestCertificates(issue(name, keys, subject(), key, true, APPLE_INTERMEDIATE_OID,
                Instant.now().plus(3650, ChronoUnit.DAYS)), keys.getPrivate());
    }

    TestCertificates issueLeaf(String name, Instant notAfter) {
        KeyPair keys = ecKeys();
        return new TestCertificates(issue(name, keys, subject(), key, false, APPLE_LEAF_OID, notAfter), keys.getPrivate());
    }

    /** A leaf without Apple's marker extension. */
    TestCertificates issuePlainLeaf(String name) {
        KeyPair keys = ecKeys();
        return new TestCertificates(issue(name, keys, subject(), key, false, null,
                Instant.now().plus(365, ChronoUnit.DAYS)), keys.getPrivate());
    }

    String certificateBase64() {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    void writeCertificatePem(Path file) {
        write(file, certificate);
    }

    /** PKCS#8, which is what {@link #read} expects. */
    void writeKeyPem(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file, e);
        }
    }

    static TestCertificates read(Path certificateFile, Path keyFile) {
        try {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(Files.newInputStream(certificateFile));
            String pem = Files.readString(keyFile).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            return new TestCertificates(certificate, key);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read " + certificateFile, e);
        }
    }

    private String subject() {
        return certificate.getSubjectX500Principal().getName();
    }

    private static X509Certificate issue(String subject, KeyPair subjectKeys, String issuer, PrivateKey issuerKey,
                                         boolean ca, String markerOid, Instant notAfter) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(dn(issuer)),
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(Instant.now().minus(1, ChronoUnit.DAYS)),
                    Date.from(notAfter), new X500Name(dn(subject)), subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca
                    ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
            if (markerOid != null) {
                builder.addExtension(new ASN1ObjectIdentifier(markerOid), false, DERNull.INSTANCE);
            }
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a test certificate", e);
        }
    }

    private static String dn(String name) {
        return name.startsWith("CN=") ? name : "CN=" + name;
    }

    private static KeyPair ecKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path file, X509Certificate pemObject) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(pemObject);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, out.toString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file, e);
        }
    }
}
