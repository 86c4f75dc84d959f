package io.tally.presence.rest;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.tally.common.http.StreamShutdown;
import io.tally.common.problem.ProblemException;
import io.tally.common.security.CurrentUser;
import io.tally.common.security.Roles;
import io.tally.presence.box.Box;
import io.tally.presence.box.BoxStreams;
import io.tally.presence.box.Boxes;
import io.tally.presence.viewer.Viewers;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Boxes and their viewers: streamers create and end boxes, viewers join, heartbeat and leave. */
@Path("/boxes")
@RolesAllowed(Roles.USER)
public class BoxesResource {

    private final Boxes boxes;
    private final Viewers viewers;
    private final BoxStreams streams;
    private final CurrentUser currentUser;
    private final HeartbeatFastPath fastPath;
    private final StreamShutdown streamShutdown;

    public BoxesResource(Boxes boxes, Viewers viewers, BoxStreams streams, CurrentUser currentUser,
                         HeartbeatFastPath fastPath, StreamShutdown streamShutdown) {
        this.boxes = boxes;
        this.viewers = viewers;
        this.streams = streams;
        this.currentUser = currentUser;
        this.fastPath = fastPath;
        this.streamShutdown = streamShutdown;
    }

    public record CreateBox(@NotBlank @Size(max = 200) String title) {
    }

    /** The caller becomes the box's streamer. */
    @POST
    public Uni<Response> create(@Valid @NotNull CreateBox request) {
        return boxes.create(currentUser.id(), request.title().strip())
                .map(box -> Response.status(201).entity(box).build());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.USER, Roles.ADMIN, Roles.SUPPORT})   // operators watch boxes too (the console's Live page)
    public Uni<Box> get(@PathParam("id") UUID id) {
        return boxes.get(id);
    }

    public record BoxPage(List<Box> boxes, String nextCursor) {
    }

    /** Discovery: published boxes, most watched first. */
    @GET
    @RolesAllowed({Roles.USER, Roles.ADMIN, Roles.SUPPORT})
    public Uni<BoxPage> discover(@QueryParam("published") Boolean published,
                                 @QueryParam("limit") @DefaultValue("20") @Min(1) @Max(100) int limit,
                                 @QueryParam("cursor") String cursor) {
        if (!Boolean.TRUE.equals(published)) {
            throw ProblemException.invalidField("published", "discovery lists published boxes: use published=true");
        }
        DiscoveryCursor after = DiscoveryCursor.decode(cursor);
        return boxes.discover(after.liveConnections(), after.id(), limit + 1).map(page -> page.size() > limit
                ? new BoxPage(page.subList(0, limit), DiscoveryCursor.after(page.get(limit - 1)).encode())
                : new BoxPage(page, null));
    }

    /** The streamer ends the box: it unpublishes now and its viewers' connections end. */
    @DELETE
    @Path("/{id}")
    public Uni<Response> end(@PathParam("id") UUID id) {
        return boxes.end(id, currentUser.id()).replaceWith(Response.noContent().build());
    }

    /** Join: returns the connection id and the heartbeat interval and timeout the client must honour. */
    @POST
    @Path("/{id}/viewers")
    public Uni<Response> join(@PathParam("id") UUID id) {
        return viewers.join(id, currentUser.id()).map(joined -> Response.status(201).entity(joined).build());
    }

    /** Most heartbeats are answered by {@link HeartbeatFastPath}; this one sees the first and the refused. */
    @PUT
    @Path("/{id}/viewers/{connectionId}")
    public Uni<Viewers.Joined> heartbeat(@PathParam("id") UUID id, @PathParam("connectionId") UUID connectionId) {
        String viewerId = currentUser.id();
        String token = currentUser.bearerToken();
        return viewers.heartbeat(id, connectionId, viewerId).invoke(() -> fastPath.permit(token, viewerId));
    }

    @DELETE
    @Path("/{id}/viewers/{connectionId}")
    public Uni<Response> leave(@PathParam("id") UUID id, @PathParam("connectionId") UUID connectionId) {
        return viewers.leave(id, connectionId, currentUser.id()).replaceWith(Response.noContent().build());
    }

    /**
     * Server-Sent Events: {@code snapshot} first, then {@code published}, {@code unpublished} and {@code viewers}
     * as they change, and {@code ended} last. The box is looked up before the stream starts (an unknown box is a
     * plain 404, not a broken stream). A replica that shuts down ends the stream with {@code reconnect}.
     */
    @GET
    @Path("/{id}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    public Multi<OutboundSseEvent> stream(@PathParam("id") UUID id, @Context Sse sse) {
        Box box = boxes.get(id).await().atMost(Duration.ofSeconds(10));
        BoxStreams.Snapshot[] previous = {null};
        return streamShutdown.untilShutdown(streams.follow(box).onItem().transformToIterable(snapshot -> {
            List<OutboundSseEvent> events = new ArrayList<>();
            BoxStreams.Snapshot before = previous[0];
            previous[0] = snapshot;
            if (before == null) {
                events.add(event(sse, "snapshot", snapshot));
            } else {
                if (before.published() != snapshot.published() && !snapshot.ended()) {
                    events.add(event(sse, snapshot.published() ? "published" : "unpublished", snapshot));
                }
                if (before.liveConnections() != snapshot.liveConnections()
                        || before.uniqueViewers() != snapshot.uniqueViewers()) {
                    events.add(event(sse, "viewers", snapshot));
                }
                if (snapshot.ended() && !before.ended()) {
                    events.add(event(sse, "ended", snapshot));
                }
            }
            return events;
        }), sse);
    }

    private static OutboundSseEvent event(Sse sse, String name, BoxStreams.Snapshot snapshot) {
        return sse.newEventBuilder().name(name).mediaType(MediaType.APPLICATION_JSON_TYPE).data(snapshot).build();
    }
}
