package io.tally.payments.rest;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.ConstraintViolations;
import io.tally.common.problem.ProblemException;
import io.tally.common.security.Roles;
import io.tally.payments.catalogue.CreditPackage;
import io.tally.payments.catalogue.PackageRepository;
import io.tally.payments.rest.PaymentRequests.PackageBody;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

/** Admins change the catalogue; a package that was ever sold is deactivated, never deleted. */
@Path("/payments/admin/packages")
@RolesAllowed(Roles.ADMIN)
public class AdminPackagesResource {

    private final PackageRepository packages;
    private final Pool pool;

    public AdminPackagesResource(PackageRepository packages, Pool pool) {
        this.packages = packages;
        this.pool = pool;
    }

    @GET
    public Uni<PackagesResource.Catalogue> listAll(@QueryParam("inactive") boolean includeInactive) {
        return packages.list(includeInactive).map(PackagesResource.Catalogue::new);
    }

    @POST
    public Uni<Response> create(@Valid @NotNull PackageBody body) {
        if (body.code() == null) {
            throw ProblemException.invalidField("code", "must not be null");
        }
        CreditPackage creditPackage = body.toPackage(body.code());
        return packages.insert(pool, creditPackage).map(inserted -> {
            if (!inserted) {
                throw ProblemException.conflict("package-exists", "Package " + body.code() + " already exists");
            }
            return Response.status(201).entity(creditPackage).build();
        });
    }

    /** Replaces a package's details; payments already made keep the terms they were made at. */
    @PUT
    @Path("/{code}")
    public Uni<CreditPackage> update(@PathParam("code") String code, @Valid @NotNull PackageBody body) {
        if (body.code() != null && !body.code().equals(code)) {
            throw ProblemException.invalidField("code", "a package's code cannot change");
        }
        return packages.update(body.toPackage(code))
                .map(updated -> updated.orElseThrow(() -> ProblemException.notFound("Package " + code)));
    }

    /** Deactivating keeps the package (and its sales history) but stops new checkouts. */
    @POST
    @Path("/{code}/deactivate")
    public Uni<CreditPackage> deactivate(@PathParam("code") String code) {
        return packages.setActive(code, false)
                .map(updated -> updated.orElseThrow(() -> ProblemException.notFound("Package " + code)));
    }

    /** Only a package that was never sold can be deleted; the database's foreign key decides. */
    @DELETE
    @Path("/{code}")
    public Uni<Response> delete(@PathParam("code") String code) {
        return packages.delete(code)
                .onFailure(ConstraintViolations::isForeignKey).transform(e -> ProblemException.conflict(
                        "package-sold", "Package " + code + " was sold, so it is kept; deactivate it instead"))
                .map(deleted -> {
                    if (!deleted) {
                        throw ProblemException.notFound("Package " + code);
                    }
                    return Response.noContent().build();
                });
    }
}
