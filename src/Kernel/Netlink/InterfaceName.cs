namespace SriovForwarder.Kernel.Netlink;

/// <summary>Checks Linux interface names before they reach the kernel (the rules of dev_valid_name).</summary>
public static class InterfaceName
{
    /// <summary>IFNAMSIZ - 1: the longest name the kernel accepts.</summary>
    public const int MaxLength = 15;

    /// <summary>The reason <paramref name="name"/> is invalid, or null when it is valid.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "the name is empty";
        }

        if (name.Length > MaxLength)
        {
            return $"it is {name.Length} characters long; Linux allows at most {MaxLength}";
        }

        if (name is "." or "..")
        {
            return "'.' and '..' are not allowed";
        }

        foreach (var c in name)
        {
            if (c == '/' || c == ':' || char.IsWhiteSpace(c) || c < 0x21 || c > 0x7e)
            {
                return $"it contains '{c}' (no '/', ':', whitespace or non-ASCII characters allowed)";
            }
        }

        return null;
    }

    /// <summary>Throws when <paramref name="name"/> is not a valid interface name.</summary>
    /// <exception cref="ArgumentException">The name is empty, longer than 15 characters or has a forbidden character.</exception>
    public static void Validate(string? name, string parameterName = "name")
    {
        if (Problem(name) is { } problem)
        {
            throw new ArgumentException($"invalid interface name '{name}': {problem}", parameterName);
        }
    }
}
