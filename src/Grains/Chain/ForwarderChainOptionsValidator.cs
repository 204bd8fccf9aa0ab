using Microsoft.Extensions.Options;

namespace SriovForwarder.Grains.Chain;

/// <summary>The rules of <see cref="ForwarderChainOptions"/>, checked at start; each failure names the option and its variable.</summary>
public sealed class ForwarderChainOptionsValidator : IValidateOptions<ForwarderChainOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ForwarderChainOptions options)
    {
        var failures = new List<string>();
        // The name is this forwarder's segment in every connection path; an empty one would match no segment.
        if (string.IsNullOrEmpty(options.Name))
        {
            failures.Add("Name (NSM_NAME) must not be empty");
        }

        if (string.IsNullOrEmpty(options.NodeName))
        {
            failures.Add("NodeName (NSM_NODE_NAME) must not be empty");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
