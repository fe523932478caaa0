//! `ShowGaussMySqlBackupList`: backups of the project, one page or all.

use std::collections::{HashSet, VecDeque};

use futures_util::stream::{self, Stream};

use crate::client::Client;
use crate::generated::types;
use crate::{BackupType, Error, Language, Timestamp, rules};

/// The most backups [`ListBackups::stream`] yields unless told otherwise
/// ([`ListBackups::max_items`]): a bound, so that a service that keeps
/// answering cannot keep a caller paging forever.
pub const DEFAULT_MAX_ITEMS: usize = 10_000;

/// A backup list query being prepared: filters, then [`ListBackups::send`]
/// for one page or [`ListBackups::stream`] for all of them.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until `.send().await` or `.stream()`"]
pub struct ListBackups<'a> {
    client: &'a Client,
    instance_id: Option<String>,
    backup_id: Option<String>,
    backup_type: Option<BackupType>,
    offset: u32,
    limit: Option<u32>,
    begin_time: Option<Timestamp>,
    end_time: Option<Timestamp>,
    name: Option<String>,
    instance_name: Option<String>,
    language: Option<Language>,
    max_items: usize,
}

/// One page of a backup list.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BackupPage {
    /// The backups of this page.
    pub backups: Vec<types::BackupSummary>,
    /// How many backups match the filters over all pages, when the service
    /// said.
    pub total_count: Option<i64>,
    /// `X-Request-Id` of the response, when present.
    pub request_id: Option<String>,
}

impl<'a> ListBackups<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        ListBackups {
            client,
            instance_id: None,
            backup_id: None,
            backup_type: None,
            offset: 0,
            limit: None,
            begin_time: None,
            end_time: None,
            name: None,
            instance_name: None,
            language: client.language().cloned(),
            max_items: DEFAULT_MAX_ITEMS,
        }
    }

    /// Only the backups of this instance.
    pub fn instance_id(mut self, instance_id: impl Into<String>) -> Self {
        self.instance_id = Some(instance_id.into());
        self
    }

    /// Only the backup with this ID.
    pub fn backup_id(mut self, backup_id: impl Into<String>) -> Self {
        self.backup_id = Some(backup_id.into());
        self
    }

    /// Only backups of this type (`auto` or `manual`).
    pub fn backup_type(mut self, backup_type: BackupType) -> Self {
        self.backup_type = Some(backup_type);
        self
    }

    /// Skip this many matching backups (default 0). [`ListBackups::stream`]
    /// starts here.
    pub fn offset(mut self, offset: u32) -> Self {
        self.offset = offset;
        self
    }

    /// At most this many backups per page, 1 to 100 (the service's default
    /// is 100).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Start of the time range. A `chrono::DateTime<FixedOffset>` is written
    /// in the service's form; text is sent as given (the client encodes a
    /// `+` as `%2B`). Which time of a backup the range selects on, and
    /// whether its ends are included, is not documented.
    pub fn begin_time(mut self, time: impl Into<Timestamp>) -> Self {
        self.begin_time = Some(time.into());
        self
    }

    /// End of the time range; must be later than `begin_time`.
    pub fn end_time(mut self, time: impl Into<Timestamp>) -> Self {
        self.end_time = Some(time.into());
        self
    }

    /// Only backups with this name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Only backups of instances with this name.
    pub fn instance_name(mut self, instance_name: impl Into<String>) -> Self {
        self.instance_name = Some(instance_name.into());
        self
    }

    /// The language of the service's messages for this call (`X-Language`).
    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// The most backups [`ListBackups::stream`] yields; default
    /// [`DEFAULT_MAX_ITEMS`]. When the service has more, the stream's last
    /// item is [`Error::TooManyItems`], never a silent end. To take only the
    /// first backups, use the stream's `take` instead.
    pub fn max_items(mut self, max_items: usize) -> Self {
        self.max_items = max_items;
        self
    }

    /// Fetches one page: `limit` backups from `offset`.
    pub async fn send(&self) -> Result<BackupPage, Error> {
        self.page(self.offset).await
    }

    async fn page(&self, offset: u32) -> Result<BackupPage, Error> {
        let (generated, context) = self.client.generated();
        let mut call = generated
            .show_gauss_my_sql_backup_list()
            .project_id(self.client.project_id().clone());
        if let Some(limit) = self.limit {
            let limit = std::num::NonZeroU32::new(limit)
                .filter(|l| l.get() <= 100)
                .ok_or_else(|| Error::invalid("limit", rules::LIMIT))?;
            call = call.limit(limit);
        }
        // The offset travels only when it is not the service's default.
        if offset > 0 {
            let offset = i32::try_from(offset)
                .map_err(|_| Error::invalid("offset", "must be at most 2147483647"))?;
            call = call.offset(offset);
        }
        if let Some(v) = &self.instance_id {
            call = call.instance_id(v.clone());
        }
        if let Some(v) = &self.backup_id {
            call = call.backup_id(v.clone());
        }
        if let Some(v) = &self.backup_type {
            call = call.backup_type(v.clone());
        }
        if let Some(v) = &self.begin_time {
            call = call.begin_time(query_time("begin_time", v)?);
        }
        if let Some(v) = &self.end_time {
            call = call.end_time(query_time("end_time", v)?);
        }
        if let Some(v) = &self.name {
            call = call.name(v.clone());
        }
        if let Some(v) = &self.instance_name {
            call = call.instance_name(v.clone());
        }
        if let Some(language) = &self.language {
            call = call.x_language(language.clone());
        }
        let result = call.send().await;
        let answer = self.client.finish(result, &context)?;
        Ok(BackupPage {
            backups: answer.body.backups.unwrap_or_default(),
            total_count: answer.body.total_count,
            request_id: answer.request_id,
        })
    }

    /// Every matching backup, page after page from `offset`, each backup
    /// once (a backup created while paging shifts the pages; one already
    /// yielded is not yielded again). Ends at `total_count` or at an empty
    /// page; the first error ends the stream. Pages are fetched as the
    /// stream is read.
    ///
    /// A list cut short never ends like a complete one: after
    /// [`ListBackups::max_items`] backups, while the service reports more,
    /// the last item is [`Error::TooManyItems`]; a page holding only
    /// backups already yielded (a service or proxy that ignores `offset`)
    /// ends it with [`Error::IncompleteListing`] instead of asking again
    /// forever.
    pub fn stream(self) -> impl Stream<Item = Result<types::BackupSummary, Error>> + 'a {
        let state = Paging {
            offset: self.offset,
            query: self,
            buffer: VecDeque::new(),
            seen: HashSet::new(),
            done: false,
            finished: false,
        };
        stream::unfold(state, |mut state| async move {
            loop {
                if state.finished {
                    return None;
                }
                if state.seen.len() >= state.query.max_items {
                    // At the bound: end cleanly only when nothing is left.
                    if state.buffer.iter().any(|b| !state.seen.contains(&b.id)) {
                        state.finished = true;
                        let max_items = state.query.max_items;
                        return Some((Err(Error::TooManyItems { max_items }), state));
                    }
                    state.buffer.clear();
                    if state.done {
                        return None;
                    }
                } else if let Some(backup) = state.buffer.pop_front() {
                    if state.seen.insert(backup.id.clone()) {
                        return Some((Ok(backup), state));
                    }
                    continue;
                } else if state.done {
                    return None;
                }
                if let Err(err) = state.next_page().await {
                    state.finished = true;
                    return Some((Err(err), state));
                }
            }
        })
    }
}

struct Paging<'a> {
    query: ListBackups<'a>,
    offset: u32,
    buffer: VecDeque<types::BackupSummary>,
    seen: HashSet<String>,
    /// No page is left to fetch.
    done: bool,
    /// The stream has yielded its last item.
    finished: bool,
}

impl Paging<'_> {
    /// Fetches the page at `offset` into the buffer and moves past it.
    async fn next_page(&mut self) -> Result<(), Error> {
        let page = self.query.page(self.offset).await?;
        let received = page.backups.len();
        if received > 0 && page.backups.iter().all(|b| self.seen.contains(&b.id)) {
            return Err(Error::IncompleteListing {
                offset: self.offset,
                request_id: page.request_id,
            });
        }
        let next = u32::try_from(received)
            .ok()
            .and_then(|n| self.offset.checked_add(n));
        match next {
            Some(next) if received > 0 => self.offset = next,
            _ => self.done = true,
        }
        if page
            .total_count
            .is_some_and(|total| i64::from(self.offset) >= total)
        {
            self.done = true;
        }
        self.buffer.extend(page.backups);
        Ok(())
    }
}

/// A time of the query, checked against the spec's `QueryTime`.
fn query_time(field: &'static str, time: &Timestamp) -> Result<types::QueryTime, Error> {
    types::QueryTime::try_from(time.as_str()).map_err(|_| Error::invalid(field, rules::QUERY_TIME))
}
