package io.tally.payments.rest;

import io.smallrye.mutiny.Uni;
import io.tally.payments.catalogue.CreditPackage;
import io.tally.payments.catalogue.PackageRepository;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.List;

/** The credit package catalogue, public (admins change it through {@link AdminPackagesResource}). */
@Path("/payments")
public class PackagesResource {

    private final PackageRepository packages;

    public PackagesResource(PackageRepository packages) {
        this.packages = packages;
    }

    public record Catalogue(List<CreditPackage> packages) {
    }

    /** The packages on sale, by currency and sort order. */
    @GET
    @Path("/packages")
    @PermitAll
    public Uni<Catalogue> list() {
        return packages.list(false).map(Catalogue::new);
    }
}
