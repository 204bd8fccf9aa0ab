using System.Diagnostics.CodeAnalysis;

namespace SriovForwarder.Silo.Configuration;

/// <summary>The outcome of reading the environment: the settings, or every problem found.</summary>
/// <param name="Settings">The settings; null when there are problems.</param>
/// <param name="Problems">One line per problem, each naming the variable, quoting the value and saying what is expected.</param>
public sealed record ForwarderSettingsReadResult(ForwarderSettings? Settings, IReadOnlyList<string> Problems)
{
    /// <summary>True when the environment was valid and <see cref="Settings"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Settings))]
    public bool Succeeded => Settings is not null;

    /// <summary>All problems as one text for the console, headed like upstream's fatal message.</summary>
    public string FormatProblems() =>
        "error processing config from env:" + string.Concat(Problems.Select(problem => Environment.NewLine + "  " + problem));
}
