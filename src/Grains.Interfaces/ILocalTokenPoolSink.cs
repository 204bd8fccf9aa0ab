using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Interfaces;

/// <summary>
/// This process's device plugin as the node grain's token-pool changes reach it without Orleans (decision 050): the node
/// grain always runs in its own node's process, beside that node's plugin, so it hands each change over in its committing
/// turn instead of sending a one-way observer message (serialized, queued by the messaging layer, run as a work item of its
/// own). Observers that are not covered by a sink (a plugin in another process) are still told through
/// <see cref="ITokenPoolObserver"/>. Called on the node grain's turn: every member must return at once and never block.
/// </summary>
public interface ILocalTokenPoolSink
{
    /// <summary>
    /// A new activation of <paramref name="node"/>'s grain: it counts its versions from the start again and nothing it told
    /// before holds, so the plugin must read the node again. Called before that activation tells any change.
    /// </summary>
    void Activated(string node);

    /// <summary>
    /// The pool of <paramref name="node"/> changed (its journal write returned): <paramref name="change"/> carries the new
    /// version and every resource's devices. Returns whether this process's plugin serves that node and took the change;
    /// false leaves it to the observers alone.
    /// </summary>
    bool Publish(string node, TokenPoolChange change);

    /// <summary>
    /// Whether <paramref name="observer"/> is the subscription of this process's plugin, which heard of every change that
    /// <see cref="Publish"/> took: the node grain then skips it.
    /// </summary>
    bool Covers(ITokenPoolObserver observer);
}
