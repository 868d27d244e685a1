using PeerCode.Domain.Crdt;
using PeerCode.Domain.Crdt.Encoding;

namespace PeerCode.Benchmarks;

/// <summary>
/// yjs-apply --input file [--text root]: applies the file's length-prefixed v1 updates in order (missing
/// dependencies stay pending) and prints {"text","stateVector","update"} (base64) as one JSON line.
/// </summary>
public static class YjsApplyCommand
{
    public static Task<int> RunAsync(CommandLine cl)
    {
        var path = cl.Require("input");
        if (!File.Exists(path)) throw new CommandLineException($"input file '{path}' not found");
        var root = cl.Get("text") ?? "code";
        var bytes = File.ReadAllBytes(path);
        var doc = new Doc(clientId: 0);
        try
        {
            var reader = new Lib0Reader(bytes);
            var index = 0;
            while (reader.HasContent)
            {
                var update = reader.ReadVarBytes().ToArray();
                try
                {
                    doc.ApplyUpdate(update);
                }
                catch (CrdtFormatException e)
                {
                    throw new CrdtFormatException($"update #{index}: {e.Message}");
                }
                index++;
            }
        }
        catch (CrdtFormatException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Task.FromResult(1);
        }
        // Written as JSON.stringify would, so the line can be compared with yjs's byte for byte.
        Console.WriteLine($"{{\"text\":{AnyValue.JsString(doc.GetText(root).ToString())},\"stateVector\":\"{Convert.ToBase64String(doc.EncodeStateVector())}\",\"update\":\"{Convert.ToBase64String(doc.EncodeStateAsUpdate())}\"}}");
        return Task.FromResult(0);
    }
}
