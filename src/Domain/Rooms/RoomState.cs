using System.Collections.Immutable;

namespace PeerCode.Domain.Rooms;

/// <summary>The bank question the room asks, at the revision it was picked at.</summary>
public sealed record RoomQuestion(Guid QuestionId, long Revision);

public sealed record Participant(Guid ParticipantId, string Name, ParticipantRole Role, string Color, bool Online);

/// <summary>What decisions about a room need to know. Folded from the stream with <see cref="Evolve"/>.</summary>
public sealed record RoomState(
    bool Exists,
    Guid RoomId,
    string Title,
    string Language,
    RoomTokenHashes? TokenHashes,
    ImmutableDictionary<Guid, Participant> Participants,
    int UpdatesSinceSnapshot,
    ImmutableDictionary<ParticipantRole, RoomLink> Links,
    ImmutableList<string> RetiredTokenHashes,
    ImmutableHashSet<Guid>? Interviewers,
    RoomQuestion? Question = null)
{
    public static readonly RoomState Initial = new(false, Guid.Empty, "", "", null, ImmutableDictionary<Guid, Participant>.Empty, 0,
        ImmutableDictionary<ParticipantRole, RoomLink>.Empty, ImmutableList<string>.Empty, null);

    public static RoomState Evolve(RoomState state, IRoomEvent e) => e switch
    {
        RoomCreated c => state with
        {
            Exists = true, RoomId = c.RoomId, Title = c.Title, Language = c.Language, TokenHashes = c.TokenHashes, Links = RoomAccess.LinksOf(c.TokenHashes),
        },
        InterviewersAssigned a => state with { Interviewers = [.. a.AccountIds] },
        LinkIssued i => state with
        {
            Links = state.Links.SetItem(i.Role, new RoomLink(i.TokenHash, i.ExpiresAt, false)),
            RetiredTokenHashes = state.Links.TryGetValue(i.Role, out var old) && old.TokenHash != i.TokenHash
                ? state.RetiredTokenHashes.Add(old.TokenHash) : state.RetiredTokenHashes,
        },
        LinkRevoked r when state.Links.TryGetValue(r.Role, out var link) && link.TokenHash == r.TokenHash => state with
        {
            Links = state.Links.SetItem(r.Role, link with { Revoked = true }),
        },
        LinkRevoked r => state with { RetiredTokenHashes = state.RetiredTokenHashes.Add(r.TokenHash) },
        ParticipantJoined j => state with
        {
            Participants = state.Participants.SetItem(j.ParticipantId, new Participant(j.ParticipantId, j.Name, j.Role, j.Color, true)),
        },
        ParticipantLeft l when state.Participants.TryGetValue(l.ParticipantId, out var p) => state with
        {
            Participants = state.Participants.SetItem(l.ParticipantId, p with { Online = false }),
        },
        DocumentUpdated => state with { UpdatesSinceSnapshot = state.UpdatesSinceSnapshot + 1 },
        DocumentSnapshotTaken => state with { UpdatesSinceSnapshot = 0 },
        LanguageChanged l => state with { Language = l.Language },
        QuestionSelected q => state with { Question = new RoomQuestion(q.QuestionId, q.Revision) },
        _ => state,
    };

    public static RoomState Fold(IEnumerable<IRoomEvent> events) => events.Aggregate(Initial, Evolve);
}
