namespace SriovForwarder.Silo.Tests.Deployment;

/// <summary>A Dockerfile read as instructions (continuation lines joined, comments dropped), grouped by stage.</summary>
internal sealed class DockerfileInstructions
{
    private DockerfileInstructions(IReadOnlyList<(string Keyword, string Arguments)> global, IReadOnlyList<Stage> stages)
    {
        Global = global;
        Stages = stages;
    }

    /// <summary>Instructions before the first FROM (the ARGs usable in FROM lines).</summary>
    public IReadOnlyList<(string Keyword, string Arguments)> Global { get; }

    public IReadOnlyList<Stage> Stages { get; }

    public Stage this[string name] => Assert.Single(Stages, s => s.Name == name);

    public static DockerfileInstructions Parse(string text)
    {
        var global = new List<(string, string)>();
        var stages = new List<Stage>();
        var logical = string.Empty;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (logical.Length == 0 && (line.TrimStart().StartsWith('#') || line.Trim().Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                logical += line[..^1] + " ";
                continue;
            }

            logical += line;
            var trimmed = logical.Trim();
            logical = string.Empty;
            var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
            var keyword = trimmed[..space].ToUpperInvariant();
            var arguments = trimmed[(space + 1)..].Trim();
            if (keyword == "FROM")
            {
                var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                stages.Add(new Stage(parts[0], parts.Length == 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[2] : null));
            }
            else if (stages.Count == 0)
            {
                global.Add((keyword, arguments));
            }
            else
            {
                stages[^1].Instructions.Add((keyword, arguments));
            }
        }

        return new DockerfileInstructions(global, stages);
    }

    /// <summary>One FROM ... AS name stage and its instructions.</summary>
    internal sealed class Stage(string from, string? name)
    {
        public string From { get; } = from;

        public string? Name { get; } = name;

        public List<(string Keyword, string Arguments)> Instructions { get; } = [];

        public IEnumerable<string> All(string keyword) => Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);
    }
}
