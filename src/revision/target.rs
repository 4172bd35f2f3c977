//! Identifiers, as Alembic spells them: `ae10`, `head`, `heads`, `base`,
//! `billing@head`, `+2`, `-1`, `head-1`, `ae10+2`, `billing@-1`, and ranges
//! `START:END` for history. Parsing is syntax only; resolving a [`Point`]
//! against the graph is here too, while targets relative to the database's
//! current revisions are resolved by the planner.

use std::fmt;
use std::str::FromStr;

use crate::revision::graph::{Node, RevisionGraph};
use crate::suggest::closest;

/// A fixed place in the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Point {
    /// `head`: the single head.
    Head,
    /// `heads`: every head.
    Heads,
    /// `base`: before the first revision.
    Base,
    /// A full id, a unique id prefix, or a branch label.
    Name(String),
    /// `NAME@head`: the head of the branch starting at NAME.
    BranchHead(String),
    /// `NAME@base`: before the revision NAME.
    BranchBase(String),
    /// `LABEL@REV`: the revision REV, which must be on LABEL's branch.
    InBranch {
        /// The branch label.
        label: String,
        /// The revision, by id, prefix or label.
        name: String,
    },
}

/// What a user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A fixed place.
    Point(Point),
    /// `head-1`, `ae10+2`: a place counted from a fixed one.
    Walk {
        /// The place counted from.
        from: Point,
        /// Revisions to walk: positive towards the heads, negative towards the base.
        delta: i64,
    },
    /// `+2`, `-1`, `billing@-1`: counted from the database's current revision(s).
    Current {
        /// Only the current revision on this branch (`billing@-1`).
        branch: Option<String>,
        /// Revisions to walk: positive towards the heads, negative towards the base.
        delta: i64,
    },
}

/// `START:END` for history; either side may be left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    /// Where the range starts; the base when left out.
    pub start: Option<Target>,
    /// Where it ends; the heads when left out.
    pub end: Option<Target>,
}

/// Where a [`Point`] or [`Target`] lands in the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Before every revision.
    Base,
    /// Before the given revision: it and everything after it are not applied.
    Before(Node),
    /// These revisions (and their ancestors) are applied.
    At(Vec<Node>),
}

/// Why an identifier could not be parsed or resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The identifier is not written as one.
    #[error("invalid revision identifier `{input}`: {reason}")]
    Syntax {
        /// The identifier as given.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No revision has this id, id prefix or label.
    #[error("no revision matches `{name}`{}", suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    Unknown {
        /// The name as given.
        name: String,
        /// The closest known name, if one is close.
        suggestion: Option<String>,
    },
    /// An id prefix that matches several revisions.
    #[error("`{name}` is ambiguous; it matches {}", list(candidates))]
    Ambiguous {
        /// The prefix as given.
        name: String,
        /// The revisions it matches.
        candidates: Vec<String>,
    },
    /// `head` was asked for, but the graph has several heads.
    #[error("there are {} heads ({}); name one, use `heads` for all of them, or run `retort merge heads -m \"merge\"`", heads.len(), list(heads))]
    MultipleHeads {
        /// The heads.
        heads: Vec<String>,
    },
    /// A relative step reaches a branch point or a merge, where the way on is not one revision.
    #[error("cannot count {steps:+} from `{from}`: `{at}` {}", if *up { "branches into" } else { "merges" }.to_owned() + " " + &list(options) + "; name the revision instead")]
    AmbiguousWalk {
        /// Where the walk starts.
        from: String,
        /// The step asked for.
        steps: i64,
        /// The revision where the way divides.
        at: String,
        /// True when walking towards the heads (a branch point), false towards the base (a
        /// merge).
        up: bool,
        /// The revisions the walk could go on to.
        options: Vec<String>,
    },
    /// A relative step goes past the base or a head.
    #[error("cannot count {steps:+} from `{from}`: only {available} revision(s) that way")]
    WalkPastEnd {
        /// Where the walk starts.
        from: String,
        /// The step asked for.
        steps: i64,
        /// How many revisions there are that way.
        available: i64,
    },
    /// `LABEL@REV` names a revision that is not on LABEL's branch.
    #[error("revision `{revision}` is not on branch `{label}`")]
    NotInBranch {
        /// The revision.
        revision: String,
        /// The branch label.
        label: String,
    },
    /// The target cannot be reached from where the database is, or counts
    /// the wrong way for the operation; the message says what to write.
    #[error("{message}")]
    Refused {
        /// Why.
        message: String,
    },
    /// A target relative to the current revision (`+1`, `-1`) where no database is at hand
    /// (`--sql`).
    #[error("`{input}` is counted from the database's current revision; it needs a database")]
    NeedsDatabase {
        /// The identifier as given.
        input: String,
    },
}

fn list(items: &[String]) -> String {
    const SHOWN: usize = 10;
    let mut text = items
        .iter()
        .take(SHOWN)
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        text.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    text
}

impl FromStr for Target {
    type Err = Error;

    fn from_str(input: &str) -> Result<Self, Error> {
        let syntax = |reason: &str| Error::Syntax {
            input: input.to_owned(),
            reason: reason.to_owned(),
        };
        let text = input.trim();
        if text.is_empty() {
            return Err(syntax("it is empty"));
        }
        if text.contains(':') {
            return Err(syntax("a range `START:END` only works with `history -r`"));
        }
        // `+2`, `-1`
        if let Some(delta) = signed_number(text) {
            return Ok(Target::Current {
                branch: None,
                delta: nonzero(delta, input)?,
            });
        }
        // `billing@-1`, `billing@head`, `ae10@base`
        if let Some((name, rest)) = text.split_once('@') {
            check_name(name, input)?;
            if let Some(delta) = signed_number(rest) {
                return Ok(Target::Current {
                    branch: Some(name.to_owned()),
                    delta: nonzero(delta, input)?,
                });
            }
            let (point_text, delta) = split_delta(rest);
            let point = match point_text {
                "head" => Point::BranchHead(name.to_owned()),
                "base" => Point::BranchBase(name.to_owned()),
                revision if check_name(revision, input).is_ok() => Point::InBranch {
                    label: name.to_owned(),
                    name: revision.to_owned(),
                },
                _ => {
                    return Err(syntax(
                        "after `@` write `head`, `base`, a revision, or a count like `-1`",
                    ));
                }
            };
            return walk(point, delta, input);
        }
        let (point_text, delta) = split_delta(text);
        let point = match point_text {
            "head" => Point::Head,
            "heads" => Point::Heads,
            "base" => Point::Base,
            name => {
                check_name(name, input)?;
                Point::Name(name.to_owned())
            }
        };
        if point == Point::Heads && delta.is_some() {
            return Err(syntax(
                "`heads` names several revisions; count from one of them",
            ));
        }
        walk(point, delta, input)
    }
}

impl FromStr for Range {
    type Err = Error;

    /// `START:END`, `:END`, `START:`; a single identifier is that revision alone.
    fn from_str(input: &str) -> Result<Self, Error> {
        let side = |text: &str| -> Result<Option<Target>, Error> {
            if text.trim().is_empty() {
                Ok(None)
            } else {
                text.parse().map(Some)
            }
        };
        if input.matches(':').count() > 1 {
            return Err(Error::Syntax {
                input: input.to_owned(),
                reason: "a range has one `:`, as in `START:END`, `:END` or `START:`".to_owned(),
            });
        }
        match input.split_once(':') {
            Some((start, end)) => Ok(Range {
                start: side(start)?,
                end: side(end)?,
            }),
            None => {
                let target: Target = input.parse()?;
                Ok(Range {
                    start: Some(target.clone()),
                    end: Some(target),
                })
            }
        }
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Point::Head => f.write_str("head"),
            Point::Heads => f.write_str("heads"),
            Point::Base => f.write_str("base"),
            Point::Name(name) => f.write_str(name),
            Point::BranchHead(name) => write!(f, "{name}@head"),
            Point::BranchBase(name) => write!(f, "{name}@base"),
            Point::InBranch { label, name } => write!(f, "{label}@{name}"),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Point(point) => point.fmt(f),
            Target::Walk { from, delta } => write!(f, "{from}{delta:+}"),
            Target::Current {
                branch: Some(branch),
                delta,
            } => write!(f, "{branch}@{delta:+}"),
            Target::Current {
                branch: None,
                delta,
            } => write!(f, "{delta:+}"),
        }
    }
}

fn signed_number(text: &str) -> Option<i64> {
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i64>().ok().map(|n| sign * n)
}

/// Splits `head-1` into (`head`, Some(-1)); a name without a count stays whole.
fn split_delta(text: &str) -> (&str, Option<i64>) {
    if let Some(at) = text.rfind(['+', '-']) {
        let (point, count) = text.split_at(at);
        if !point.is_empty()
            && let Some(delta) = signed_number(count)
        {
            return (point, Some(delta));
        }
    }
    (text, None)
}

fn walk(from: Point, delta: Option<i64>, input: &str) -> Result<Target, Error> {
    match delta {
        None => Ok(Target::Point(from)),
        Some(delta) => Ok(Target::Walk {
            from,
            delta: nonzero(delta, input)?,
        }),
    }
}

fn nonzero(delta: i64, input: &str) -> Result<i64, Error> {
    if delta == 0 {
        Err(Error::Syntax {
            input: input.to_owned(),
            reason: "a count must not be zero".into(),
        })
    } else {
        Ok(delta)
    }
}

fn check_name(name: &str, input: &str) -> Result<(), Error> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if valid {
        Ok(())
    } else {
        Err(Error::Syntax {
            input: input.to_owned(),
            reason: format!("`{name}` is not a revision id or branch label"),
        })
    }
}

impl RevisionGraph {
    /// The node an id, unique id prefix or branch label names.
    pub fn resolve_name(&self, name: &str) -> Result<Node, Error> {
        if let Some(node) = self.node(name).or_else(|| self.labelled(name)) {
            return Ok(node);
        }
        match self.with_prefix(name).as_slice() {
            [node] => Ok(*node),
            [] => Err(Error::Unknown {
                name: name.to_owned(),
                suggestion: closest(name, self.ids()).map(str::to_owned),
            }),
            nodes => Err(Error::Ambiguous {
                name: name.to_owned(),
                candidates: nodes
                    .iter()
                    .map(|&n| self.revision(n).id.0.clone())
                    .collect(),
            }),
        }
    }

    /// Where a fixed point lands.
    pub fn resolve_point(&self, point: &Point) -> Result<Resolved, Error> {
        Ok(match point {
            Point::Base => Resolved::Base,
            Point::Heads => Resolved::At(self.heads().to_vec()),
            Point::Head => match self.heads() {
                [] => Resolved::Base,
                [head] => Resolved::At(vec![*head]),
                heads => {
                    return Err(Error::MultipleHeads {
                        heads: self.names(heads),
                    });
                }
            },
            Point::Name(name) => Resolved::At(vec![self.resolve_name(name)?]),
            Point::BranchHead(name) => {
                Resolved::At(vec![self.branch_head(self.resolve_name(name)?)?])
            }
            Point::BranchBase(name) => Resolved::Before(self.resolve_name(name)?),
            Point::InBranch { label, name } => {
                Resolved::At(vec![self.resolve_in_branch(label, name)?])
            }
        })
    }

    /// The single head reached from `start` along `Revises:` links.
    pub fn branch_head(&self, start: Node) -> Result<Node, Error> {
        let branch = self.branch(start);
        let heads: Vec<Node> = self
            .heads()
            .iter()
            .copied()
            .filter(|&h| branch[h])
            .collect();
        match heads.as_slice() {
            [head] => Ok(*head),
            _ => Err(Error::MultipleHeads {
                heads: self.names(&heads),
            }),
        }
    }

    /// Resolves a target that does not depend on the database.
    pub fn resolve_fixed(&self, target: &Target) -> Result<Resolved, Error> {
        match target {
            Target::Point(point) => self.resolve_point(point),
            Target::Walk { from, delta } => self.resolve_walk(from, *delta),
            Target::Current { .. } => Err(Error::NeedsDatabase {
                input: target.to_string(),
            }),
        }
    }

    fn resolve_walk(&self, from: &Point, delta: i64) -> Result<Resolved, Error> {
        let start = match (self.resolve_point(from)?, delta > 0) {
            (Resolved::At(nodes), _) if nodes.len() == 1 => Some(nodes[0]),
            (Resolved::Base, true) => None,
            (Resolved::Before(node), true) => {
                // `x@base+1` is x itself.
                return self.walk_from(Some(node), delta - 1, from, delta);
            }
            _ => {
                return Err(Error::Syntax {
                    input: format!("{from}{delta:+}"),
                    reason: format!("count from a single revision, not from `{from}`"),
                });
            }
        };
        self.walk_from(start, delta, from, delta)
    }

    fn walk_from(
        &self,
        start: Option<Node>,
        steps: i64,
        from: &Point,
        delta: i64,
    ) -> Result<Resolved, Error> {
        let mut current = start;
        for taken in 0..steps.unsigned_abs() {
            let options: Vec<Node> = match (current, steps > 0) {
                (None, _) => self.bases().to_vec(),
                (Some(node), true) => self.children(node).to_vec(),
                (Some(node), false) => self.parents(node).to_vec(),
            };
            current = match options.as_slice() {
                [next] => Some(*next),
                [] if steps < 0 => {
                    // Counting down past the first revision lands before it.
                    let node = current.unwrap_or_default();
                    return if taken + 1 == steps.unsigned_abs() {
                        Ok(Resolved::Before(node))
                    } else {
                        Err(Error::WalkPastEnd {
                            from: from.to_string(),
                            steps: delta,
                            available: taken as i64 + 1,
                        })
                    };
                }
                [] => {
                    return Err(Error::WalkPastEnd {
                        from: from.to_string(),
                        steps: delta,
                        available: taken as i64,
                    });
                }
                many => {
                    return Err(Error::AmbiguousWalk {
                        from: from.to_string(),
                        steps: delta,
                        at: current
                            .map_or_else(|| "base".to_owned(), |n| self.revision(n).id.0.clone()),
                        up: steps > 0,
                        options: self.names(many),
                    });
                }
            };
        }
        Ok(current.map_or(Resolved::Base, |node| Resolved::At(vec![node])))
    }

    /// The ids of some nodes.
    pub fn names(&self, nodes: &[Node]) -> Vec<String> {
        nodes
            .iter()
            .map(|&n| self.revision(n).id.0.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::revision::graph::tests::{graph, ids, rev};

    fn parse(text: &str) -> Target {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn parses_the_whole_grammar() {
        use Point::*;
        assert_eq!(parse("head"), Target::Point(Head));
        assert_eq!(parse("heads"), Target::Point(Heads));
        assert_eq!(parse("base"), Target::Point(Base));
        assert_eq!(parse("ae10"), Target::Point(Name("ae10".into())));
        assert_eq!(
            parse("billing@head"),
            Target::Point(BranchHead("billing".into()))
        );
        assert_eq!(parse("ae10@base"), Target::Point(BranchBase("ae10".into())));
        assert_eq!(
            parse("+2"),
            Target::Current {
                branch: None,
                delta: 2
            }
        );
        assert_eq!(
            parse("-1"),
            Target::Current {
                branch: None,
                delta: -1
            }
        );
        assert_eq!(
            parse("billing@-1"),
            Target::Current {
                branch: Some("billing".into()),
                delta: -1
            }
        );
        assert_eq!(
            parse("billing@+3"),
            Target::Current {
                branch: Some("billing".into()),
                delta: 3
            }
        );
        assert_eq!(
            parse("head-1"),
            Target::Walk {
                from: Head,
                delta: -1
            }
        );
        assert_eq!(
            parse("ae10+2"),
            Target::Walk {
                from: Name("ae10".into()),
                delta: 2
            }
        );
        assert_eq!(
            parse("billing@head-2"),
            Target::Walk {
                from: BranchHead("billing".into()),
                delta: -2
            }
        );
        assert_eq!(
            parse("base+1"),
            Target::Walk {
                from: Base,
                delta: 1
            }
        );
    }

    #[test]
    fn rejects_bad_syntax() {
        for bad in [
            "", "heads-1", "a@b c", "+0", "a b", "x@", "@head", "a:b", "é",
        ] {
            assert!(bad.parse::<Target>().is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn display_round_trips() {
        for text in [
            "head", "heads", "base", "ae10", "x@head", "x@base", "+2", "-1", "x@-1", "head-1",
            "ae10+2",
        ] {
            assert_eq!(parse(text).to_string(), text);
        }
    }

    #[test]
    fn parses_ranges() {
        let range: Range = "ae10:head".parse().unwrap();
        assert_eq!(range.start, Some(parse("ae10")));
        assert_eq!(range.end, Some(parse("head")));
        let range: Range = ":head".parse().unwrap();
        assert_eq!(range.start, None);
        let range: Range = "base:".parse().unwrap();
        assert_eq!(range.end, None);
        let error = "a:b:c".parse::<Range>().unwrap_err().to_string();
        assert!(error.contains("one `:`"), "{error}");
    }

    fn linear() -> RevisionGraph {
        graph(&[
            rev("1975ea83b712", &[], &[], &[]),
            rev("ae1027a6acf0", &["1975ea83b712"], &[], &[]),
            rev("ae1199aa0000", &["ae1027a6acf0"], &[], &[]),
        ])
    }

    #[test]
    fn resolves_ids_prefixes_and_suggests() {
        let g = linear();
        assert_eq!(
            g.resolve_name("ae1027a6acf0").map(|n| g.names(&[n])),
            Ok(vec!["ae1027a6acf0".into()])
        );
        assert_eq!(
            g.resolve_name("ae10").map(|n| g.names(&[n])),
            Ok(vec!["ae1027a6acf0".into()])
        );
        assert_eq!(
            g.resolve_name("ae1"),
            Err(Error::Ambiguous {
                name: "ae1".into(),
                candidates: vec!["ae1027a6acf0".into(), "ae1199aa0000".into()]
            })
        );
        assert_eq!(
            g.resolve_name("1975ea83b71x"),
            Err(Error::Unknown {
                name: "1975ea83b71x".into(),
                suggestion: Some("1975ea83b712".into())
            })
        );
    }

    #[test]
    fn walks_relative_to_fixed_points() {
        let g = linear();
        let at = |text: &str| match g.resolve_fixed(&parse(text)) {
            Ok(Resolved::At(nodes)) => ids(&g, &nodes).join(","),
            Ok(Resolved::Base) => "base".into(),
            Ok(Resolved::Before(node)) => format!("before {}", g.revision(node).id.0),
            Err(error) => format!("error: {error}"),
        };
        assert_eq!(at("head"), "ae1199aa0000");
        assert_eq!(at("head-1"), "ae1027a6acf0");
        assert_eq!(at("head-2"), "1975ea83b712");
        assert_eq!(at("head-3"), "before 1975ea83b712");
        assert!(at("head-4").starts_with("error: cannot count -4 from `head`"));
        assert_eq!(at("base+1"), "1975ea83b712");
        assert_eq!(at("1975+2"), "ae1199aa0000");
        assert!(at("1975+3").contains("only 2 revision(s)"));
        assert_eq!(at("ae11@base"), "before ae1199aa0000");
        assert_eq!(at("1975@head"), "ae1199aa0000");
        assert!(at("-1").contains("needs a database"));
    }

    #[test]
    fn branches_make_head_ambiguous() {
        let g = graph(&[
            rev("a", &[], &[], &[]),
            rev("b", &["a"], &[], &["billing"]),
            rev("c", &["a"], &[], &[]),
            rev("d", &["b"], &[], &[]),
        ]);
        assert_eq!(
            g.resolve_point(&Point::Head),
            Err(Error::MultipleHeads {
                heads: vec!["c".into(), "d".into()]
            })
        );
        assert_eq!(
            g.resolve_point(&Point::BranchHead("billing".into())),
            Ok(Resolved::At(vec![g.node("d").unwrap()]))
        );
        assert_eq!(
            g.resolve_point(&Point::BranchHead("c".into())),
            Ok(Resolved::At(vec![g.node("c").unwrap()]))
        );
        let error = g.resolve_fixed(&parse("a+1")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "cannot count +1 from `a`: `a` branches into `b`, `c`; name the revision instead"
        );
        let text = Error::MultipleHeads {
            heads: vec!["c".into(), "d".into()],
        }
        .to_string();
        assert!(text.contains("retort merge heads"), "{text}");
    }
}
