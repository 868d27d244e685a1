using System.Net.Http.Json;
using System.Text.Json;
using PeerCode.Web.Tests.Questions;

namespace PeerCode.Web.Tests.Security;

using static Principal;

/// <summary>
/// The question bank belongs to the hiring team: every /api/questions call needs a signed-in interviewer (or admin), and
/// none needs a room. Picking a question into a room needs both the account and the room's interviewer link (REST) or,
/// in the hub, the interviewer link's connection plus a signed-in interviewer.
/// </summary>
public static partial class AuthorizationMatrixRows
{
    private static readonly Principal[] Interviewers = [Admin, InterviewerOfThis, InterviewerOfOther];

    /// <summary>A question written by interviewer A, stored as {question} for the row.</summary>
    private static Func<MatrixContext, Task> AQuestion => async ctx =>
    {
        using var http = ctx.InterviewerA.Client(ctx.BaseUrl);
        var created = await http.PostAsJsonAsync("/api/questions", QuestionsApiTests.TwoSum("Matrix question"));
        if (!created.IsSuccessStatusCode) throw new InvalidOperationException($"the matrix's question was refused: {await created.Content.ReadAsStringAsync()}");
        ctx["question"] = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("questionId").GetString()!;
    };

    public static IEnumerable<MatrixRow> Questions =>
    [
        MatrixRow.Http("questions", "POST", "/api/questions", QuestionsApiTests.TwoSum("By {principal}")).Allows(Interviewers).DeniesRest(401),
        MatrixRow.Http("questions", "GET", "/api/questions").Allows(Interviewers).DeniesRest(401),
        MatrixRow.Http("questions", "GET", "/api/questions/{question}").Given(AQuestion).Allows(Interviewers).DeniesRest(401),
        // No If-Match: an authorized caller gets past authorization to 428 (precondition required); everyone else stops at 401.
        MatrixRow.Http("questions", "PUT", "/api/questions/{question}", QuestionsApiTests.TwoSum("Edited by {principal}"))
            .Given(AQuestion).Denies(428, Interviewers).DeniesRest(401),
        MatrixRow.Http("questions", "POST", "/api/questions/{question}/archive").Given(AQuestion).Allows(Interviewers).DeniesRest(401),
        MatrixRow.Http("questions", "POST", "/api/questions/{question}/restore").Given(AQuestion).Allows(Interviewers).DeniesRest(401),
        MatrixRow.Http("questions", "POST", "/api/rooms/{room}/question", new { questionId = "{question}" })
            .Given(AQuestion).Allows(Admin, InterviewerOfThis).DeniesRest(401),
        MatrixRow.Hub("questions", "SelectQuestion", "{question}").Given(AQuestion)
            .Allows(Admin, InterviewerOfThis).Denies("interviewers-only", CandidateOfThis, Observer).DeniesRest("not-joined"),
    ];
}
