using System.Globalization;
using System.Text;
using Google.Protobuf;
using Span = OpenTelemetry.Proto.Trace.V1.Span;

namespace SriovForwarder.Benchmarks.Breakdown;

/// <summary>
/// Turns the spans of many traces of one kind (the traces holding a span named like the gateway's
/// <c>NetworkService/Request</c>) into a table: per span name (and kind, for Orleans' client and server spans of one
/// grain call), how often it occurs per trace and the median and p99 over traces of its total and its own time (duration
/// minus the durations of its children), in the order of first appearance.
/// </summary>
public static class SpanBreakdown
{
    public static string Render(IReadOnlyList<Span> spans, string marker, List<double> clientTimes)
    {
        var traces = spans.GroupBy(s => s.TraceId).Where(t => t.Any(s => s.Name == marker)).ToList();
        var rows = new Dictionary<string, Row>(StringComparer.Ordinal);
        var roots = new List<double>();
        foreach (var trace in traces)
        {
            var byId = trace.ToDictionary(s => s.SpanId);
            var children = trace.Where(s => !s.ParentSpanId.IsEmpty && byId.ContainsKey(s.ParentSpanId)).ToLookup(s => s.ParentSpanId);
            var root = trace.Where(s => s.ParentSpanId.IsEmpty || !byId.ContainsKey(s.ParentSpanId)).MinBy(s => s.StartTimeUnixNano)!;
            roots.Add(Micros(root));
            var perTrace = new Dictionary<string, (double Total, double Self, int Count, double Offset, int Depth)>(StringComparer.Ordinal);
            Visit(root, 0);
            foreach (var (key, value) in perTrace)
            {
                if (!rows.TryGetValue(key, out var row))
                {
                    rows[key] = row = new Row(key);
                }

                row.Add(value.Total, value.Self, value.Count, value.Offset, value.Depth);
            }

            void Visit(Span span, int depth)
            {
                var kids = children[span.SpanId].ToList();
                var total = Micros(span);
                var self = total - kids.Sum(Micros);
                var key = Key(span);
                var offset = (span.StartTimeUnixNano - root.StartTimeUnixNano) / 1000.0;
                perTrace[key] = perTrace.TryGetValue(key, out var seen)
                    ? (seen.Total + total, seen.Self + self, seen.Count + 1, seen.Offset, seen.Depth)
                    : (total, self, 1, offset, depth);
                foreach (var kid in kids)
                {
                    Visit(kid, depth + 1);
                }
            }
        }

        clientTimes.Sort();
        roots.Sort();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"## {marker}: {traces.Count} traces");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"client round trip: median {Percentile(clientTimes, 50):F0} µs, p99 {Percentile(clientTimes, 99):F0} µs; server root span: median {Percentile(roots, 50):F0} µs, p99 {Percentile(roots, 99):F0} µs; difference of medians (socket, HTTP/2 client and server, waiting for a thread) {Percentile(clientTimes, 50) - Percentile(roots, 50):F0} µs");
        text.AppendLine();
        text.AppendLine("| span (depth) | per call | own time median | own time p99 | total median | total p99 |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var row in rows.Values.OrderBy(r => r.MedianOffset))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {new string('·', row.Depth)} {row.Name} | {row.MeanCount:F1} | {row.Self(50):F0} µs | {row.Self(99):F0} µs | {row.Total(50):F0} µs | {row.Total(99):F0} µs |");
        }

        return text.ToString();
    }

    public static double Percentile(List<double> sorted, double percent) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static double Micros(Span span) => (span.EndTimeUnixNano - span.StartTimeUnixNano) / 1000.0;

    private static string Key(Span span) => span.Kind switch
    {
        Span.Types.SpanKind.Client => span.Name + " (client)",
        Span.Types.SpanKind.Server => span.Name + " (server)",
        _ => span.Name,
    };

    private sealed class Row(string name)
    {
        private readonly List<double> _totals = [];
        private readonly List<double> _selves = [];
        private readonly List<double> _offsets = [];
        private long _count;

        public string Name => name;

        public int Depth { get; private set; }

        public double MeanCount => (double)_count / _totals.Count;

        public double MedianOffset
        {
            get
            {
                _offsets.Sort();
                return Percentile(_offsets, 50);
            }
        }

        public void Add(double total, double self, int count, double offset, int depth)
        {
            _totals.Add(total);
            _selves.Add(self);
            _offsets.Add(offset);
            _count += count;
            Depth = depth;
        }

        public double Total(double percent)
        {
            _totals.Sort();
            return Percentile(_totals, percent);
        }

        public double Self(double percent)
        {
            _selves.Sort();
            return Percentile(_selves, percent);
        }
    }
}
