/** Texts of channels: connecting a chat channel to Kring and listing the connected ones. */
export const en = {
  commands: {
    channelConnect: 'Connect this channel to Kring (purpose: general, news, chapter, managers or moderators)',
    channelList: 'List the connected channels',
  },
  commandGroups: {
    channel: 'Connect channels to Kring and list them (community managers)',
  },
  args: {
    purpose: 'what the channel is for: general, news, chapter, managers or moderators',
    chapter: 'the chapter (for chapter channels)',
  },
  channel: {
    connected: 'This channel is now connected to Kring as a **{{purpose}}** channel.',
    noChannel: 'Run this command inside the channel you want to connect.',
    unknownChapter: 'There is no chapter called "{{chapter}}". Chapters: {{chapters}}',
    listTitle: 'Connected channels',
    none: 'No channels are connected yet. Run `/kring channel connect <purpose>` inside a channel.',
    purposes: { general: 'general', news: 'news', chapter: 'chapter', managers: 'managers', moderators: 'moderators', ideas: 'ideas' },
  },
} as const;

declare module '../../../kernel/i18n.js' {
  interface KringTexts {
    channels: typeof en;
  }
}
