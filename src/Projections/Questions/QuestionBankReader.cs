using System.Text;
using Dapper;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;

namespace PeerCode.Projections.Questions;

/// <summary>The bank list's filters. <see cref="Text"/> matches title, categories and tags (case-insensitive for ASCII); labels match exactly.</summary>
public sealed record QuestionListQuery(string? Text, string? Difficulty, string? Category, string? Tag, bool IncludeArchived, int Page, int PageSize);

public sealed record QuestionListItem(
    Guid QuestionId, long Version, string Title, string? Difficulty, IReadOnlyList<string> Categories, IReadOnlyList<string> Tags,
    IReadOnlyList<string> Languages, long TestCount, long HiddenTestCount, bool Archived, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt,
    long TimesUsed, double? PassRate);

public sealed record QuestionListPage(int Page, int PageSize, long Total, IReadOnlyList<QuestionListItem> Items);

/// <summary>
/// Reads the bank's list from the `questions` read model with Dapper (never from streams), and lets a writer wait until
/// the projection has passed its append, so the author's next list holds what they just wrote.
/// </summary>
public sealed class QuestionBankReader(IReadModelStore store)
{
    public const int MaxPageSize = 200;

    public async Task<QuestionListPage> ListAsync(QuestionListQuery query, CancellationToken ct)
    {
        var where = new StringBuilder(" WHERE q.created_at IS NOT NULL");
        var args = new DynamicParameters();
        if (!query.IncludeArchived) where.Append(" AND q.archived_at IS NULL");
        if (query.Difficulty is { Length: > 0 } difficulty)
        {
            where.Append(" AND q.difficulty = @difficulty");
            args.Add("difficulty", difficulty.Trim().ToLowerInvariant());
        }
        if (query.Text?.Trim() is { Length: > 0 } text)
        {
            where.Append(" AND (LOWER(q.title) LIKE @text ESCAPE '!' OR LOWER(COALESCE(q.categories, '')) LIKE @text ESCAPE '!' OR LOWER(COALESCE(q.tags, '')) LIKE @text ESCAPE '!')");
            args.Add("text", "%" + text.ToLowerInvariant().Replace("!", "!!").Replace("%", "!%").Replace("_", "!_") + "%");
        }
        if (query.Category?.Trim() is { Length: > 0 } category)
        {
            where.Append(" AND EXISTS (SELECT 1 FROM question_labels l WHERE l.question_id = q.question_id AND l.kind = 'category' AND l.label = @category)");
            args.Add("category", category.ToLowerInvariant());
        }
        if (query.Tag?.Trim() is { Length: > 0 } tag)
        {
            where.Append(" AND EXISTS (SELECT 1 FROM question_labels l WHERE l.question_id = q.question_id AND l.kind = 'tag' AND l.label = @tag)");
            args.Add("tag", tag.ToLowerInvariant());
        }
        await using var c = await store.OpenAsync(ct);
        var total = await c.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM questions q{where}", args, cancellationToken: ct));
        args.Add("take", query.PageSize);
        args.Add("skip", (long)(query.Page - 1) * query.PageSize);
        var rows = await c.QueryAsync<QuestionRow>(new CommandDefinition(
            $"SELECT q.* FROM questions q{where} ORDER BY LOWER(q.title), q.question_id LIMIT @take OFFSET @skip", args, cancellationToken: ct));
        return new QuestionListPage(query.Page, query.PageSize, total, rows.Select(Item).ToList());
    }

    /// <summary>
    /// Waits until the `questions` projection's checkpoint reaches <paramref name="globalPosition"/> (true), or
    /// <paramref name="timeout"/> passes (false: projections are behind, stopped, or run elsewhere and slow).
    /// </summary>
    public async Task<bool> WaitForAsync(long globalPosition, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            var checkpoint = await Checkpoints.LoadAsync(store, QuestionsProjection.ProjectionName, ct);
            if (checkpoint.Position >= globalPosition) return true;
            if (DateTimeOffset.UtcNow >= deadline) return false;
            await Task.Delay(delay, ct);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 100));
        }
    }

    private static QuestionListItem Item(QuestionRow r) => new(
        Guid.Parse(r.QuestionId), r.Version ?? 0, r.Title, r.Difficulty, Split(r.Categories), Split(r.Tags), Split(r.Languages),
        r.TestCount ?? 0, r.HiddenTestCount ?? 0, r.ArchivedAt is not null, r.CreatedAt, r.UpdatedAt, r.TimesUsed, r.PassRate);

    private static IReadOnlyList<string> Split(string? joined) =>
        string.IsNullOrEmpty(joined) ? [] : joined.Split(", ");
}
