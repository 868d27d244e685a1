using FluentAssertions;
using PeerCode.Domain.Crdt;
using Xunit;

namespace PeerCode.Domain.Tests.Crdt;

public sealed class EditingTraceTests
{
    [Theory]
    [InlineData("sequential/automerge-paper.json.gz")]
    [InlineData("sequential/seph-blog1.json.gz")]
    [InlineData("sequential/sveltecomponent.json.gz")]
    public void Given_a_sequential_trace_When_replayed_as_local_edits_Then_the_text_is_endContent_and_a_fresh_doc_loads_the_same(string file)
    {
        var trace = EditingTrace.Load(TracePath(file));
        var doc = new Doc(clientId: 42);
        var text = doc.GetText("code");
        var editor = new CodePointEditor(text);
        if (trace.StartContent.Length > 0) text.Insert(0, trace.StartContent);
        foreach (var txn in trace.Transactions)
            doc.Transact(_ => { foreach (var p in txn.Patches) editor.Apply(p); });

        text.ToString().Should().Be(trace.EndContent);
        var copy = new Doc(clientId: 7);
        copy.ApplyUpdate(doc.EncodeStateAsUpdate());
        copy.GetText("code").ToString().Should().Be(trace.EndContent);
    }

    [Fact]
    public void Given_the_concurrent_friendsforever_trace_When_each_agent_merges_along_parents_Then_every_replica_ends_at_endContent()
    {
        var trace = EditingTrace.Load(TracePath("concurrent/friendsforever.json.gz"));
        var n = trace.Transactions.Length;
        var updates = new byte[n][];
        var docs = new Doc[trace.NumAgents];
        var editors = new CodePointEditor[trace.NumAgents];
        var applied = new bool[trace.NumAgents][];
        for (var a = 0; a < trace.NumAgents; a++)
        {
            docs[a] = new Doc(clientId: (uint)(a + 1) * 1000);
            editors[a] = new CodePointEditor(docs[a].GetText("code"));
            applied[a] = new bool[n];
        }

        for (var i = 0; i < n; i++)
        {
            var txn = trace.Transactions[i];
            var a = txn.Agent;
            foreach (var j in MissingAncestors(trace, applied[a], i))
            {
                docs[a].ApplyUpdate(updates[j]);
                applied[a][j] = true;
            }
            byte[]? captured = null;
            void Capture(byte[] u, Transaction _) => captured = u;
            docs[a].UpdateV1 += Capture;
            docs[a].Transact(_ => { foreach (var p in txn.Patches) editors[a].Apply(p); });
            docs[a].UpdateV1 -= Capture;
            updates[i] = captured ?? throw new InvalidOperationException($"transaction {i} produced no update");
            applied[a][i] = true;
        }

        for (var a = 0; a < trace.NumAgents; a++)
        {
            for (var j = 0; j < n; j++)
                if (!applied[a][j]) docs[a].ApplyUpdate(updates[j]);
            docs[a].GetText("code").ToString().Should().Be(trace.EndContent, "replica of agent {0}", a);
        }
    }

    private static string TracePath(string file) => Path.Combine(YjsOracle.SharedDir, "data", "editing-traces", file);

    /// <summary>Ancestors of transaction <paramref name="i"/> the replica lacks, in index (hence causal) order.</summary>
    private static List<int> MissingAncestors(EditingTrace trace, bool[] applied, int i)
    {
        var missing = new List<int>();
        var seen = new HashSet<int>();
        var stack = new Stack<int>(trace.Transactions[i].Parents);
        while (stack.Count > 0)
        {
            var j = stack.Pop();
            if (applied[j] || !seen.Add(j)) continue;
            missing.Add(j);
            foreach (var p in trace.Transactions[j].Parents) stack.Push(p);
        }
        missing.Sort();
        return missing;
    }
}
