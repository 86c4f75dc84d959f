package io.tally.console.services;

import io.quarkus.oidc.AccessTokenCredential;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import org.eclipse.microprofile.rest.client.ext.ClientHeadersFactory;

/**
 * Every call to a service carries the signed-in operator's own access token, not a credential of the console's: the
 * service checks the operator's role itself (a support agent's token cannot adjust, whatever the console does) and
 * records the operator's identity with what it changes.
 */
@ApplicationScoped
public class OperatorToken implements ClientHeadersFactory {

    private final Instance<AccessTokenCredential> accessToken;

    public OperatorToken(Instance<AccessTokenCredential> accessToken) {
        this.accessToken = accessToken;
    }

    @Override
    public MultivaluedMap<String, String> update(MultivaluedMap<String, String> incoming,
                                                 MultivaluedMap<String, String> outgoing) {
        MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
        headers.putSingle("Authorization", "Bearer " + accessToken.get().getToken());
        return headers;
    }
}
